using System.Text.Json;

namespace AimcHil.Cli.Tests;

/// <summary><c>aimc bench train</c>: its old keys, one key per case, and a PyTorch figure or the reason there is none.</summary>
public class BenchTrainTests
{
    [Fact]
    public void TheNoWiresCaseReportsHilSoftwareAndPyTorchThroughputUnderItsKeyAndAtTheTop()
    {
        var outcome = AimcProcess.Run("bench", "train", "--case", "no_wires", "--steps", "3", "--json");

        Assert.Equal(0, outcome.ExitCode);
        var json = outcome.Json;
        var noWires = json.GetProperty("no_wires");
        foreach (var key in new[] { "samples_per_second", "software_samples_per_second", "ratio_to_software", "first_programming_seconds" })
        {
            Assert.True(noWires.GetProperty(key).GetDouble() > 0, key);
        }

        Assert.Equal(noWires.GetProperty("samples_per_second").GetDouble(), json.GetProperty("samples_per_second").GetDouble());
        Assert.True(json.GetProperty("software_samples_per_second").GetDouble() > 0);
        Assert.True(json.GetProperty("slowdown_vs_software").GetDouble() > 0);
        Assert.Equal("every:1", json.GetProperty("reprogram").GetString());
        Assert.Equal(3, json.GetProperty("steps").GetInt32());
        Assert.Equal("784-256-10", json.GetProperty("layers").GetString());
        Assert.EndsWith("fmnist-hil-nowire.yaml", json.GetProperty("rig").GetString());
        Assert.Equal(0, noWires.GetProperty("timed_network_solves").GetInt64());
        Assert.False(json.TryGetProperty("fmnist_hil_1", out _));
        AssertPyTorchFigureOrNote(noWires);
    }

    [Fact]
    public void TheLenetNoWiresCaseReportsAPyTorchFigureAndItsWiresCaseNone()
    {
        var outcome = AimcProcess.Run("bench", "train", "--case", "lenet", "--steps", "1", "--json");

        Assert.Equal(0, outcome.ExitCode);
        var lenet = outcome.Json.GetProperty("lenet");
        foreach (var key in new[] { "no_wires", "fmnist_hil_1" })
        {
            var measured = lenet.GetProperty(key);
            Assert.Equal("lenet", measured.GetProperty("layers").GetString());
            Assert.True(measured.GetProperty("samples_per_second").GetDouble() > 0, key);
            Assert.True(measured.GetProperty("software_samples_per_second").GetDouble() > 0, key);
        }

        AssertPyTorchFigureOrNote(lenet.GetProperty("no_wires"));
        Assert.False(lenet.GetProperty("fmnist_hil_1").TryGetProperty("pytorch_samples_per_second", out _));
    }

    /// <summary>Either the PyTorch loop ran, or the keys are null and a note says why.</summary>
    private static void AssertPyTorchFigureOrNote(JsonElement measured)
    {
        var torch = measured.GetProperty("pytorch_samples_per_second");
        if (torch.ValueKind == JsonValueKind.Null)
        {
            Assert.Equal(JsonValueKind.Null, measured.GetProperty("ratio_to_pytorch").ValueKind);
            Assert.False(string.IsNullOrWhiteSpace(measured.GetProperty("pytorch_note").GetString()));
        }
        else
        {
            Assert.True(torch.GetDouble() > 0);
            Assert.Equal(measured.GetProperty("samples_per_second").GetDouble() / torch.GetDouble(), measured.GetProperty("ratio_to_pytorch").GetDouble(), 9);
            Assert.StartsWith("torch ", measured.GetProperty("pytorch_framework").GetString());
            Assert.Equal(JsonValueKind.Null, measured.GetProperty("pytorch_note").ValueKind);
        }
    }

    [Fact]
    public void AnUnknownCaseIsOneErrorLine()
    {
        var outcome = AimcProcess.Run("bench", "train", "--case", "vgg");

        AimcProcess.AssertUserError(outcome, "--case vgg is not known: use no_wires, fmnist_hil_1, lenet, ir_solve");
    }
}
