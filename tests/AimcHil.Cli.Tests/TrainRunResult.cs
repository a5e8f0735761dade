using System.Text.Json;
using System.Text.Json.Nodes;

namespace AimcHil.Cli.Tests;

/// <summary>What a finished training run directory holds, minus wall-clock times and its own path: two runs of the
/// same settings are the same run exactly when these are equal (weights bit for bit).</summary>
internal sealed record TrainRunResult(string ModelSha256, string Metrics, string Summary)
{
    private static readonly string[] ClockKeys = ["seconds", "train_seconds", "samples_per_second", "output_directory"];

    public static TrainRunResult Of(string run) => new(
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(run, "model.bin")))),
        string.Join('\n', File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Select(WithoutClock)),
        WithoutClock(File.ReadAllText(Path.Combine(run, "summary.json"))));

    private static string WithoutClock(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        foreach (var key in ClockKeys)
        {
            node.Remove(key);
        }

        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
