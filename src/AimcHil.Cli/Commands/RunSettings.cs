using System.Text.Json;
using AimcHil.Core;
using AimcHil.Training.Runs;

namespace AimcHil.Cli.Commands;

/// <summary>What a run directory's settings.json holds: enough to repeat or resume the run.</summary>
internal sealed record RunSettings
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public required TrainingOptions Options { get; init; }

    public string? Rig { get; init; }

    public bool Ideal { get; init; }

    /// <summary>The port that overrode the rig file's (serial and tcp rigs); a resumed run may be given a new one.</summary>
    public string? Port { get; init; }

    public required string Data { get; init; }

    public string? Init { get; init; }

    /// <summary>Values per example of the data the run trained on (null in runs older than the field): with
    /// <see cref="Classes"/>, what fixes the shapes of a model such as lenet.</summary>
    public int? Features { get; init; }

    /// <summary>Classes of the data the run trained on (null in older runs).</summary>
    public int? Classes { get; init; }

    public static string PathIn(string directory) => Path.Combine(directory, "settings.json");

    public void Save(string directory) => DurableFile.Replace(PathIn(directory), JsonSerializer.SerializeToUtf8Bytes(this, Json));

    /// <summary>The settings of the run in <paramref name="directory"/>; <paramref name="unusable"/> ends the message
    /// when they cannot be read, saying what that prevents (resuming, by default).</summary>
    public static RunSettings Load(string directory, string unusable = CheckpointStore.CannotResume)
    {
        var path = PathIn(directory);
        if (!File.Exists(path))
        {
            throw new AimcException($"{directory}: not a run directory (settings.json is missing)");
        }

        try
        {
            if (JsonSerializer.Deserialize<RunSettings>(File.ReadAllBytes(path), Json) is { Options: not null, Data: not null } settings)
            {
                return settings;
            }
        }
        catch (JsonException)
        {
        }

        throw new AimcException($"{path}: not a run's settings (empty, truncated or corrupt); {unusable}");
    }
}
