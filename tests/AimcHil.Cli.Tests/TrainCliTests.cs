using System.Diagnostics;
using System.Text.Json;

namespace AimcHil.Cli.Tests;

/// <summary><c>aimc train</c> as a user runs it: the summary JSON, the run directory, errors, Ctrl-C and resume.</summary>
public class TrainCliTests
{
    private static string NewRunDirectory() => Path.Combine(Directory.CreateTempSubdirectory("aimc-train-").FullName, "run");

    [Fact]
    public void SoftwareRunPrintsTheSummaryAndFillsItsRunDirectory()
    {
        var run = NewRunDirectory();

        var outcome = AimcProcess.Run("train", "--mode", "software", "--data", "synthetic", "--layers", "16,8,3", "--epochs", "2", "--out", run, "--json");

        Assert.Equal(0, outcome.ExitCode);
        var summary = outcome.Json;
        foreach (var key in new[] { "mode", "software_test_accuracy", "chip_test_accuracy", "epochs", "programming_pulses", "train_seconds", "samples_per_second" })
        {
            Assert.True(summary.TryGetProperty(key, out _), $"missing key {key}");
        }

        Assert.Equal("software", summary.GetProperty("mode").GetString());
        Assert.Equal(2, summary.GetProperty("epochs").GetInt32());
        Assert.Equal(2, File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Length);
        Assert.True(File.Exists(Path.Combine(run, "settings.json")));
        Assert.True(File.Exists(Path.Combine(run, "summary.json")));
        Assert.True(File.Exists(Path.Combine(run, "model.bin")));
    }

    [Fact]
    public void HilRunOnARigSnapshotsTheRigAndCountsPulses()
    {
        var run = NewRunDirectory();

        var outcome = AimcProcess.Run("train", "--mode", "hil", "--rig", "hil-rigs/rram-1t1r-charge.yaml", "--data", "synthetic", "--layers", "16,8,3", "--epochs", "1", "--reprogram", "every:50", "--out", run, "--json");

        Assert.Equal(0, outcome.ExitCode);
        Assert.True(outcome.Json.GetProperty("programming_pulses").GetInt64() > 0);
        Assert.True(outcome.Json.GetProperty("chip_test_accuracy").GetDouble() > 0);
        Assert.True(File.Exists(Path.Combine(run, "rig.yaml")));
        Assert.True(File.Exists(Path.Combine(run, "chip.json")));
    }

    [Fact]
    public void ChipModeWithoutARigIsOneLine() =>
        AimcProcess.AssertUserError(
            AimcProcess.Run("train", "--mode", "hil", "--data", "synthetic", "--layers", "16,8,3", "--out", NewRunDirectory()),
            "mode hil needs a chip: give --rig (e.g. hil-rigs/fmnist-hil-1.yaml)");

    [Fact]
    public void MissingDatasetNamesThePathAndTheInstallCommand()
    {
        var outcome = AimcProcess.Run("train", "--data", "/nonexistent/fashion", "--out", NewRunDirectory());

        AimcProcess.AssertUserError(outcome, "/nonexistent/fashion: not found; install the dataset with 'sudo apt-get install dataset-fashion-mnist' or point --data at a folder with the four IDX files");
    }

    [Fact]
    public void UnknownModeIsOneLine() =>
        AimcProcess.AssertUserError(
            AimcProcess.Run("train", "--mode", "quantum", "--data", "synthetic", "--out", NewRunDirectory()),
            "--mode quantum is not a training mode: use software, naive, noise, physical, hil, progressive");

    [Fact]
    public async Task CtrlCStopsAfterTheBatchWithACheckpointAndResumeFinishesTheRun()
    {
        var run = NewRunDirectory();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "aimc.dll"), "train", "--data", "synthetic", "--layers", "16,8,3", "--epochs", "400", "--batch-size", "8", "--out", run })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();

        // Wait until the first epoch is done, then interrupt as a terminal's Ctrl-C would.
        string? line;
        do
        {
            line = process.StandardOutput.ReadLine();
        }
        while (line is not null && !line.StartsWith("epoch 1:", StringComparison.Ordinal));

        Assert.NotNull(line);
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        var rest = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000));
        Assert.Equal(130, process.ExitCode);
        Assert.Contains("stopping after this batch", await stderr);
        Assert.Contains("continue with: aimc train --resume", rest);
        var interrupted = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json"))).RootElement;
        Assert.True(interrupted.GetProperty("interrupted").GetBoolean());
        var doneEpochs = interrupted.GetProperty("epochs").GetInt32();
        Assert.InRange(doneEpochs, 1, 399);

        var resumed = AimcProcess.Run("train", "--resume", run, "--json");

        Assert.Equal(0, resumed.ExitCode);
        Assert.Equal(400, resumed.Json.GetProperty("epochs").GetInt32());
        Assert.False(resumed.Json.GetProperty("interrupted").GetBoolean());
        Assert.Equal(400, File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Length);
    }

    [Fact]
    public void BenchTrainReportsHilAndSoftwareThroughputOfTheSameSteps()
    {
        // The benchmark chip without wire resistance, so the test does not wait for IR-drop solves.
        var rig = Path.Combine(Directory.CreateTempSubdirectory("aimc-bench-").FullName, "chip.yaml");
        File.WriteAllText(rig, File.ReadAllText(Path.Combine(RepositoryPaths.Rigs, "fmnist-hil-1.yaml"))
            .Replace("word_segment_ohm: 0.3", "word_segment_ohm: 0", StringComparison.Ordinal)
            .Replace("bit_segment_ohm: 0.3", "bit_segment_ohm: 0", StringComparison.Ordinal));

        var outcome = AimcProcess.Run("bench", "train", "--rig", rig, "--steps", "3", "--json");

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal(3, outcome.Json.GetProperty("steps").GetInt32());
        Assert.True(outcome.Json.GetProperty("samples_per_second").GetDouble() > 0);
        Assert.True(outcome.Json.GetProperty("software_samples_per_second").GetDouble() > 0);
        Assert.True(outcome.Json.GetProperty("slowdown_vs_software").GetDouble() > 0);
    }
}
