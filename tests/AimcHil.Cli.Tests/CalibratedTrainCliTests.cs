using System.Text.Json;
using AimcHil.Rig;

namespace AimcHil.Cli.Tests;

/// <summary><c>aimc train</c> through a calibrated digital twin: hil with <c>--backward-model calibrated</c>, physical
/// mode on a rig that does not carry its design, and the mistakes a user can make with <c>--twin</c>.</summary>
public class CalibratedTrainCliTests
{
    /// <summary>A small current-domain PCM chip with wires: the rig under training, and (renamed, with measured arrays)
    /// its twin.</summary>
    private static string ChipYaml(string name, int rows, string tail = "") => $"""
        kind: emulator
        description: small chip for calibrated training
        seed: 1
        chip:
          name: {name}
          domain: current
          device: pcm
          rows: {rows}
          cols: 16
          tiles: 4
          adc:
            bits: 8
            range_mac: 8
          wires:
            word_segment_ohm: 0.5
            bit_segment_ohm: 0.5
          pcm:
            drift: false
        {tail}
        """;

    private static (string Folder, string Rig, string Twin) SmallRigAndTwin(int twinRows = 16)
    {
        var folder = Directory.CreateTempSubdirectory("aimc-calibrated-").FullName;
        var rig = Path.Combine(folder, "chip.yaml");
        var twin = Path.Combine(folder, "twin.yaml");
        File.WriteAllText(rig, ChipYaml("small-chip", 16));
        var gain = Enumerable.Range(0, 4).Select(t => Enumerable.Range(0, 16).Select(c => 0.9f + (0.01f * ((t + c) % 20))).ToArray()).ToArray();
        var offset = Enumerable.Range(0, 4).Select(t => Enumerable.Range(0, 16).Select(c => 0.002f * ((c % 5) - 2)).ToArray()).ToArray();
        var stuck = new sbyte[4 * 2 * twinRows * 16];
        stuck[(((((1 * 2) + 0) * twinRows) + 2) * 16) + 3] = 1;
        var (gainFile, offsetFile, stuckFile) = TwinFiles.WriteArrays(twin, gain, offset, stuck, arrays: 2);
        File.WriteAllText(twin, ChipYaml("small-chip-twin", twinRows, $"""
              column_mismatch:
                gain_file: {gainFile}
                offset_file: {offsetFile}
              stuck_map_file: {stuckFile}
            """));
        return (folder, rig, twin);
    }

    [Fact]
    public void HilWithTheCalibratedBackwardModelCompletesAndReportsItsTwin()
    {
        var (folder, rig, twin) = SmallRigAndTwin();
        var run = Path.Combine(folder, "run");

        var outcome = AimcProcess.Run("train", "--mode", "hil", "--backward-model", "calibrated", "--twin", twin, "--rig", rig, "--data", "synthetic",
            "--layers", "16,8,3", "--epochs", "1", "--reprogram", "every:50", "--out", run, "--json");

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("hil", outcome.Json.GetProperty("mode").GetString());
        Assert.Equal(twin, outcome.Json.GetProperty("twin").GetString());
        Assert.False(outcome.Json.GetProperty("interrupted").GetBoolean());
        Assert.True(outcome.Json.GetProperty("chip_test_accuracy").GetDouble() > 0);
        Assert.Equal(twin, JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json"))).RootElement.GetProperty("twin").GetString());
        var options = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "settings.json"))).RootElement.GetProperty("options");
        Assert.Equal("calibrated", options.GetProperty("backward_model").GetString());
        Assert.Equal(twin, options.GetProperty("twin_path").GetString());
    }

    [Fact]
    public void PhysicalModeWithATwinTrainsOnADirectRig()
    {
        // The direct rig's chip section as an emulator rig file: a twin with the design and no measured arrays.
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Rigs, "direct-emulated.yaml"));
        var twin = Path.Combine(Directory.CreateTempSubdirectory("aimc-twin-").FullName, "tc1-twin.yaml");
        File.WriteAllText(twin, "kind: emulator\ndescription: twin of the direct rig's chip\n" + text[(text.IndexOf("\nchip:", StringComparison.Ordinal) + 1)..]);
        var run = Path.Combine(Path.GetDirectoryName(twin)!, "run");

        var outcome = AimcProcess.Run("train", "--mode", "physical", "--twin", twin, "--rig", "hil-rigs/direct-emulated.yaml", "--data", "synthetic",
            "--layers", "16,8,3", "--epochs", "5", "--lr", "0.01", "--optimizer", "sgd", "--out", run, "--json");

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("physical", outcome.Json.GetProperty("mode").GetString());
        Assert.Equal(twin, outcome.Json.GetProperty("twin").GetString());
        Assert.True(outcome.Json.GetProperty("chip_test_accuracy").GetDouble() > 0.5, outcome.Stdout);
    }

    [Fact]
    public void CalibratedWithoutATwinIsOneLine() =>
        AimcProcess.AssertUserError(
            AimcProcess.Run("train", "--mode", "hil", "--backward-model", "calibrated", "--rig", "hil-rigs/rram-1t1r-charge.yaml", "--data", "synthetic",
                "--layers", "16,8,3", "--out", Path.Combine(Directory.CreateTempSubdirectory("aimc-train-").FullName, "run")),
            "--backward-model calibrated needs --twin TWIN.yaml, the digital twin `aimc calibrate` wrote");

    [Fact]
    public void ATwinOfAnotherChipIsOneLineNamingBoth()
    {
        var (folder, rig, twin) = SmallRigAndTwin(twinRows: 8);

        var outcome = AimcProcess.Run("train", "--mode", "hil", "--backward-model", "calibrated", "--twin", twin, "--rig", rig, "--data", "synthetic",
            "--layers", "16,8,3", "--out", Path.Combine(folder, "run"));

        AimcProcess.AssertUserError(outcome, $"--twin {twin}: the twin small-chip-twin is 8×16, 4 tiles, current domain but the chip small-chip is 16×16, 4 tiles, current domain; give the twin calibrated on this chip");
    }
}
