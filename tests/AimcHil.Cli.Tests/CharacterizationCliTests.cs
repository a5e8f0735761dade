using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using AimcHil.Characterization.Datasets;
using AimcHil.Characterization.Procedures;
using AimcHil.Numerics;

namespace AimcHil.Cli.Tests;

/// <summary>The benchmark chip (hil-rigs/fmnist-hil-1.yaml) cut down to a few small tiles: every non-ideality the
/// characterization measures, in a second or two.</summary>
internal static class SmallHilChip
{
    public const ulong Seed = 5;

    /// <summary>Writes the cut-down rig file into <paramref name="folder"/> and returns its path.</summary>
    public static string Write(string folder, string name, int rows, int cols, int tiles)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Rigs, "fmnist-hil-1.yaml"));
        foreach (var (key, value) in new[] { ("name", name), ("rows", $"{rows}"), ("cols", $"{cols}"), ("tiles", $"{tiles}") })
        {
            var edited = Regex.Replace(text, $@"(?m)^  {key}: \S+.*$", $"  {key}: {value}");
            Assert.NotEqual(text, edited);
            text = edited;
        }

        var path = Path.Combine(folder, name + ".yaml");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Asserts that two datasets hold the same points: sequence numbers, scalars and arrays, bit for bit. Chip
    /// times are left out: a resume does not replay the measurements it skips, so the emulator's clock runs behind
    /// from the first skipped block on (ages since programming, which the physics sees, are equal).</summary>
    public static void AssertSamePoints(string expectedPath, string actualPath)
    {
        using var expected = MeasurementDataset.Open(expectedPath);
        using var actual = MeasurementDataset.Open(actualPath);
        var a = expected.Points().ToList();
        var b = actual.Points().ToList();
        Assert.Equal(a.Select(p => p.Seq), b.Select(p => p.Seq));
        foreach (var (x, y) in a.Zip(b))
        {
            var where = $"{Path.GetFileName(actualPath)} point {x.Seq}";
            Assert.Equal(x.Scalars.OrderBy(s => s.Key, StringComparer.Ordinal), y.Scalars.OrderBy(s => s.Key, StringComparer.Ordinal));
            Assert.Equal(x.Arrays.Keys.Order(StringComparer.Ordinal), y.Arrays.Keys.Order(StringComparer.Ordinal));
            foreach (var (name, array) in x.Arrays)
            {
                Assert.Equal(array.Shape, y.Arrays[name].Shape);
                Assert.True(array.Values.AsSpan().SequenceEqual(y.Arrays[name].Values), $"{where}: array {name} differs");
            }
        }
    }
}

/// <summary>One small chip characterized (<c>--seed 5</c>) and calibrated once, shared by the tests that read its
/// datasets and twin.</summary>
public sealed class CharacterizedSmallChip : IDisposable
{
    public CharacterizedSmallChip()
    {
        Folder = Directory.CreateTempSubdirectory("aimc-characterized-").FullName;
        Rig = SmallHilChip.Write(Folder, "small-hil", 64, 64, 2);
        Datasets = Path.Combine(Folder, "datasets");
        Twin = Path.Combine(Folder, "twin", "twin.yaml");
        Characterize = AimcProcess.Run("characterize", "all", "--rig", Rig, "--out", Datasets, "--seed", $"{SmallHilChip.Seed}", "--json");
        Calibrate = AimcProcess.Run("calibrate", "--datasets", Datasets, "--out", Twin, "--json");
    }

    public string Folder { get; }

    public string Rig { get; }

    public string Datasets { get; }

    public string Twin { get; }

    internal AimcProcess.Outcome Characterize { get; }

    internal AimcProcess.Outcome Calibrate { get; }

    public string Dataset(string procedure) => Path.Combine(Datasets, procedure + ".sqlite");

    /// <summary>A fresh folder beside the shared ones.</summary>
    public string NewFolder(string name) => Directory.CreateDirectory(Path.Combine(Folder, name)).FullName;

    /// <summary>A new folder holding copies of the shared datasets.</summary>
    public string CopyOfDatasets(string name)
    {
        var copy = NewFolder(name);
        foreach (var file in Directory.GetFiles(Datasets, "*.sqlite"))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary><c>aimc characterize</c>, <c>calibrate</c>, <c>twin-check</c>, <c>export</c> and <c>plot</c> end to end, as a
/// user runs them: their JSON keys, the files they write, resume after a kill and after a time budget, and the one
/// line each mistake ends in.</summary>
public class CharacterizationCliTests(CharacterizedSmallChip chip) : IClassFixture<CharacterizedSmallChip>
{
    private static readonly string[] MeasurementKeys =
        ["name", "dataset", "completed", "stop_reason", "points_planned", "points_recorded", "points_measured_now", "seconds"];

    private static string[] Keys(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static void AssertPng(string file) => Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(file)[..4]);

    [Fact]
    public void CharacterizeWritesEveryDatasetAndItsPlots()
    {
        var outcome = chip.Characterize;

        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var json = outcome.Json;
        Assert.Equal(["rig", "output", "completed", "measurements", "plots"], Keys(json));
        Assert.Equal(chip.Rig, json.GetProperty("rig").GetString());
        Assert.Equal(chip.Datasets, json.GetProperty("output").GetString());
        Assert.True(json.GetProperty("completed").GetBoolean());
        var measurements = json.GetProperty("measurements").EnumerateArray().ToList();
        Assert.Equal(ProcedureCatalog.Names, measurements.Select(m => m.GetProperty("name").GetString()!));
        foreach (var m in measurements)
        {
            var name = m.GetProperty("name").GetString()!;
            Assert.Equal(MeasurementKeys, Keys(m));
            Assert.Equal(chip.Dataset(name), m.GetProperty("dataset").GetString());
            Assert.True(m.GetProperty("completed").GetBoolean(), name);
            Assert.Equal("completed", m.GetProperty("stop_reason").GetString());
            var planned = m.GetProperty("points_planned").GetInt64();
            Assert.True(planned > 0, name);
            Assert.Equal(planned, m.GetProperty("points_recorded").GetInt64());
            Assert.Equal(planned, m.GetProperty("points_measured_now").GetInt64());
            using var dataset = MeasurementDataset.Open(chip.Dataset(name));
            Assert.Equal(planned, dataset.Count);
            Assert.Equal("completed", dataset.Status);
            Assert.Equal(SmallHilChip.Seed, dataset.Header.Seed);
        }

        // An ended dataset is one self-contained file: its write-ahead log folded in.
        Assert.Equal(ProcedureCatalog.Names.Select(n => n + ".sqlite").Order(StringComparer.Ordinal),
            Directory.GetFiles(chip.Datasets).Select(Path.GetFileName).Where(f => !f!.EndsWith(".png", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        var plots = Strings(json.GetProperty("plots"));
        Assert.Equal(
            ["stuck.tile0.png", "stuck.tile1.png", "programming.achieved.png", "programming.sigma.png", "programming.pulses.png", "transfer.curves.png",
             "transfer.gain.png", "transfer.offset.png", "transfer.inl.png", "ir-drop.rows.png", "ir-drop.active-rows.png", "read-noise.sigma.png",
             "drift.states.png", "drift.nu.png"],
            plots.Select(Path.GetFileName));
        Assert.All(plots, p => Assert.Equal(chip.Datasets, Path.GetDirectoryName(p)));
        Assert.All(plots, AssertPng);
    }

    [Fact]
    public void CalibrateWritesATwinWhoseColumnsPredictTheChip()
    {
        var outcome = chip.Calibrate;

        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var json = outcome.Json;
        Assert.Equal(["twin", "report", "datasets", "parameters"], Keys(json));
        Assert.Equal(chip.Twin, json.GetProperty("twin").GetString());
        var report = Path.Combine(Path.GetDirectoryName(chip.Twin)!, "twin.fit.json");
        Assert.Equal(report, json.GetProperty("report").GetString());
        Assert.Equal(Directory.GetFiles(chip.Datasets, "*.sqlite").Order(StringComparer.Ordinal), Strings(json.GetProperty("datasets")));
        var parameters = json.GetProperty("parameters").EnumerateArray().ToDictionary(p => p.GetProperty("key").GetString()!);
        Assert.All(parameters.Values, p => Assert.Equal(["key", "value", "uncertainty", "unit", "residual", "residual_unit", "source"], Keys(p)));

        // The fit finds the benchmark chip's design: 10 % column gain, 2 % of full scale offset, 0.5 % stuck off.
        Assert.InRange(parameters["column_mismatch.gain_sigma"].GetProperty("value").GetDouble(), 0.07, 0.13);
        Assert.InRange(parameters["column_mismatch.offset_sigma_full_scale"].GetProperty("value").GetDouble(), 0.014, 0.026);
        Assert.InRange(parameters["stuck_off_fraction"].GetProperty("value").GetDouble(), 0.002, 0.01);
        var fitReport = JsonDocument.Parse(File.ReadAllText(report)).RootElement;
        Assert.Equal(["twin", "datasets", "parameters"], Keys(fitReport));
        Assert.Equal(parameters.Count, fitReport.GetProperty("parameters").GetArrayLength());
        Assert.Equal([2, 64], Npy.Read(Path.Combine(Path.GetDirectoryName(chip.Twin)!, "twin.column-gain.npy")).Shape);
        Assert.Equal([2, 64], Npy.Read(Path.Combine(Path.GetDirectoryName(chip.Twin)!, "twin.column-offset.npy")).Shape);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(chip.Twin)!, "twin.stuck.npy")));

        var check = AimcProcess.Run("twin-check", "--rig", chip.Rig, "--twin", chip.Twin, "--seed", $"{SmallHilChip.Seed}", "--json");

        Assert.True(check.ExitCode == 0, check.Stderr);
        var result = check.Json;
        Assert.Equal(
            ["rig", "twin", "outputs", "systematic_correlation", "systematic_rms_difference_mac", "chip_systematic_rms_mac", "twin_systematic_rms_mac",
             "column_systematic_correlation", "chip_random_sigma_mac", "twin_random_sigma_mac", "random_sigma_ratio", "samples"],
            Keys(result));
        Assert.Equal(64, result.GetProperty("samples").GetInt32());
        Assert.Equal(chip.Rig, result.GetProperty("rig").GetString());
        Assert.Equal(chip.Twin, result.GetProperty("twin").GetString());
        Assert.Equal(64 * 64, result.GetProperty("outputs").GetInt32());
        Assert.True(result.GetProperty("column_systematic_correlation").GetDouble() >= 0.95, check.Stdout);
        Assert.InRange(result.GetProperty("random_sigma_ratio").GetDouble(), 0.85, 1.15);
        Assert.True(result.GetProperty("systematic_correlation").GetDouble() > 0.8, check.Stdout);
    }

    [Fact]
    public void ExportWritesCsvAndNpyFilesOfEveryParameter()
    {
        var dataset = chip.Dataset("transfer");
        using var data = MeasurementDataset.Open(dataset);
        var scalars = data.Parameters.Where(p => !p.IsArray).Select(p => p.Name).ToArray();
        var arrays = data.Parameters.Where(p => p.IsArray).Select(p => p.Name).ToArray();
        var csvFolder = chip.NewFolder("csv");
        var npyFolder = chip.NewFolder("npy");

        var csv = AimcProcess.Run("export", dataset, "--csv", "--out", csvFolder, "--json");
        var npy = AimcProcess.Run("export", dataset, "--npy", "--out", npyFolder, "--json");

        Assert.True(csv.ExitCode == 0, csv.Stderr);
        Assert.Equal(["dataset", "files"], Keys(csv.Json));
        Assert.Equal(dataset, csv.Json.GetProperty("dataset").GetString());
        Assert.Equal(["transfer.csv", .. arrays.Select(a => $"transfer.{a}.csv")], Strings(csv.Json.GetProperty("files")).Select(Path.GetFileName));
        Assert.All(Strings(csv.Json.GetProperty("files")), f => Assert.Equal(csvFolder, Path.GetDirectoryName(f)));
        var table = File.ReadAllLines(Path.Combine(csvFolder, "transfer.csv"));
        Assert.Equal(string.Join(',', ["seq", "chip_seconds", .. scalars]), table[0]);
        Assert.Equal(data.Count + 1, table.Length);

        Assert.True(npy.ExitCode == 0, npy.Stderr);
        Assert.Equal(["dataset", "files"], Keys(npy.Json));
        Assert.Equal(
            ["transfer.seq.npy", "transfer.chip_seconds.npy", .. scalars.Select(s => $"transfer.{s}.npy"), .. arrays.SelectMany(a => new[] { $"transfer.{a}.npy", $"transfer.{a}.seq.npy" })],
            Strings(npy.Json.GetProperty("files")).Select(Path.GetFileName));
        Assert.All(Strings(npy.Json.GetProperty("files")), f => Assert.Equal(npyFolder, Path.GetDirectoryName(f)));
        Assert.Equal([data.Count], Npy.Read(Path.Combine(npyFolder, "transfer.seq.npy")).Shape);
        Assert.Equal([data.Count], Npy.Read(Path.Combine(npyFolder, "transfer.input_code.npy")).Shape);
    }

    [Fact]
    public void PlotRedrawsADatasetOrAFolderOfThem()
    {
        var one = chip.NewFolder("plots-one");
        var all = chip.NewFolder("plots-all");

        var drift = AimcProcess.Run("plot", chip.Dataset("drift"), "--out", one, "--format", "both", "--json");
        var folder = AimcProcess.Run("plot", chip.Datasets, "--out", all, "--json");

        Assert.True(drift.ExitCode == 0, drift.Stderr);
        Assert.Equal(["files"], Keys(drift.Json));
        Assert.Equal(
            new[] { "drift.states.png", "drift.states.svg", "drift.nu.png", "drift.nu.svg" }.Select(f => Path.Combine(one, f)),
            Strings(drift.Json.GetProperty("files")));
        AssertPng(Path.Combine(one, "drift.nu.png"));
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(one, "drift.nu.svg")), StringComparison.Ordinal);

        // A folder of datasets gets the plots characterize drew, one set per dataset.
        Assert.True(folder.ExitCode == 0, folder.Stderr);
        var drawn = Strings(folder.Json.GetProperty("files"));
        Assert.Equal(Strings(chip.Characterize.Json.GetProperty("plots")).Select(Path.GetFileName).Order(StringComparer.Ordinal), drawn.Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.All(drawn, AssertPng);
    }

    [Fact]
    public void AKilledRunResumesToExactlyTheUninterruptedRun()
    {
        // Four tiles make transfer (256 points a tile) long enough that a kill after its 20th point lands mid-run.
        var folder = chip.NewFolder("kill");
        var rig = SmallHilChip.Write(folder, "small-hil-4", 64, 64, 4);
        var killed = Path.Combine(folder, "killed");
        var whole = Path.Combine(folder, "whole");
        var transfer = Path.Combine(killed, "transfer.sqlite");

        using (var run = StartCharacterize(rig, killed))
        {
            var clock = Stopwatch.StartNew();
            while (PointsIn(transfer) < 20)
            {
                Assert.False(run.HasExited, "characterize ended before transfer had 20 points");
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "transfer did not reach 20 points in 60 s");
                Thread.Sleep(5);
            }

            run.Kill(); // SIGKILL: no handler, no finishing of the dataset
            run.WaitForExit();
        }

        long pointsAtKill;
        using (var cut = MeasurementDataset.Open(transfer))
        {
            pointsAtKill = cut.Count;
            Assert.Equal("running", cut.Status);
        }

        var resumed = AimcProcess.Run("characterize", "all", "--rig", rig, "--out", killed, "--resume", "--no-plots", "--json");
        var uninterrupted = AimcProcess.Run("characterize", "all", "--rig", rig, "--out", whole, "--seed", $"{SmallHilChip.Seed}", "--no-plots", "--json");

        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.Stderr);
        Assert.True(resumed.Json.GetProperty("completed").GetBoolean());
        var now = resumed.Json.GetProperty("measurements").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        Assert.Equal(ProcedureCatalog.Names, now.Keys);
        Assert.Equal(0, now["stuck"].GetProperty("points_measured_now").GetInt64());
        Assert.Equal(0, now["programming"].GetProperty("points_measured_now").GetInt64());
        var planned = now["transfer"].GetProperty("points_planned").GetInt64();
        Assert.True(pointsAtKill < planned, $"the kill landed after transfer's {planned} points");
        Assert.Equal(planned - pointsAtKill, now["transfer"].GetProperty("points_measured_now").GetInt64());
        foreach (var name in ProcedureCatalog.Names)
        {
            SmallHilChip.AssertSamePoints(Path.Combine(whole, name + ".sqlite"), Path.Combine(killed, name + ".sqlite"));
        }
    }

    [Fact]
    public void ATimeBudgetStopsResumablyAndTheLineItPrintsCompletesTheRun()
    {
        var budget = chip.NewFolder("budget");

        var stopped = AimcProcess.Run("characterize", "all", "--rig", chip.Rig, "--out", budget, "--seed", $"{SmallHilChip.Seed}", "--max-time", "0.2s", "--no-plots");

        // A spent budget is no failure: exit code 0, what was measured, and how to go on.
        Assert.True(stopped.ExitCode == 0, stopped.Stderr);
        var lines = stopped.Stdout.TrimEnd('\n').Split('\n');
        Assert.Matches(@"^[a-z-]+: \d+/\d+ points \(\d+ now\) in \d+\.\d s, the time budget (of [\d.]+ s )?was spent -> " + Regex.Escape(budget) + "/[a-z-]+\\.sqlite$", lines[^2]);
        var continuation = $"aimc characterize all --rig {chip.Rig} --out {budget} --resume";
        Assert.Equal($"not finished: continue with `{continuation}`", lines[^1]);
        var unfinished = Directory.GetFiles(budget, "*.sqlite").Single(f =>
        {
            using var d = MeasurementDataset.Open(f);
            return d.Status != "completed";
        });
        string procedure;
        long count;
        using (var d = MeasurementDataset.Open(unfinished))
        {
            (procedure, count) = (d.Header.Procedure, d.Count);
            Assert.Equal("interrupted", d.Status);
        }

        Assert.EndsWith($"/{procedure}.sqlite", lines[^2], StringComparison.Ordinal);
        AssertCalibrateRefuses(
            budget,
            $"{unfinished} is an unfinished {procedure} run ({count} points, interrupted): finish it with `aimc characterize {procedure} --rig RIG --out {budget} --resume` before calibrating");
        AimcProcess.AssertUserError(
            AimcProcess.Run("characterize", "all", "--rig", chip.Rig, "--out", budget, "--resume", "--seed", "6"),
            $"{Path.Combine(budget, "stuck.sqlite")} was measured with --seed 5, not 6: resume with --seed 5 (or leave --seed out), or choose another --out");

        // The printed line, as given (it needs no --seed: a resume measures the chip its datasets were measured on).
        var resumed = AimcProcess.Run([.. continuation.Split(' ').Skip(1), "--no-plots", "--json"]);

        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.True(resumed.Json.GetProperty("completed").GetBoolean());
        foreach (var name in ProcedureCatalog.Names)
        {
            SmallHilChip.AssertSamePoints(chip.Dataset(name), Path.Combine(budget, name + ".sqlite"));
        }
    }

    [Fact]
    public void AnOutFolderWithDatasetsNeedsResume() =>
        AimcProcess.AssertUserError(
            AimcProcess.Run("characterize", "all", "--rig", chip.Rig, "--out", chip.Datasets),
            $"{chip.Dataset("stuck")} already exists: pass --resume to continue it, or choose another --out");

    [Fact]
    public void CalibrateWithoutTheDriftDatasetIsOneLine()
    {
        var datasets = chip.CopyOfDatasets("no-drift");
        File.Delete(Path.Combine(datasets, "drift.sqlite"));

        AssertCalibrateRefuses(
            datasets,
            "no drift dataset among those given: the twin needs every one of stuck, programming, read-noise, drift, transfer, ir-drop (run `aimc characterize all`)");
    }

    [Fact]
    public void CalibrateFromTwoChipGeometriesIsOneLine()
    {
        var datasets = chip.CopyOfDatasets("two-chips");
        var other = chip.NewFolder("other-chip");
        var rig = SmallHilChip.Write(other, "small-hil-32", 32, 32, 2);
        Assert.Equal(0, AimcProcess.Run("characterize", "drift", "--rig", rig, "--out", other, "--no-plots").ExitCode);
        File.Copy(Path.Combine(other, "drift.sqlite"), Path.Combine(datasets, "drift.sqlite"), overwrite: true);

        AssertCalibrateRefuses(
            datasets,
            "the drift dataset is from a 32×32, 2-tile current pcm chip, the transfer dataset from a 64×64, 2-tile current pcm one: calibrate from datasets of one chip");
    }

    [Fact]
    public void ATwinWhoseGainArrayHasTheWrongShapeIsOneLine()
    {
        var folder = chip.NewFolder("bad-twin");
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(chip.Twin)!))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        Npy.Write(Path.Combine(folder, "twin.column-gain.npy"), new float[2 * 32], 2, 32);
        var twin = Path.Combine(folder, "twin.yaml");

        AimcProcess.AssertUserError(
            AimcProcess.Run("twin-check", "--rig", chip.Rig, "--twin", twin),
            $"{twin}: chip.column_mismatch.gain_file: twin.column-gain.npy holds 2×32 but the chip has 2 tiles of 64 columns");
    }

    [Fact]
    public void ATwinOfAnotherChipGeometryIsOneLine()
    {
        var rig = SmallHilChip.Write(chip.NewFolder("smaller-chip"), "small-hil-32", 32, 32, 2);

        AimcProcess.AssertUserError(
            AimcProcess.Run("twin-check", "--rig", rig, "--twin", chip.Twin),
            $"--twin {chip.Twin}: the twin small-hil-twin is 64×64, 2 tiles, current domain but the chip small-hil-32 is 32×32, 2 tiles, current domain; give the twin calibrated on this chip");
    }

    [Fact]
    public void ExportOfAFileThatIsNoDatasetIsOneLine() =>
        AimcProcess.AssertUserError(AimcProcess.Run("export", chip.Rig, "--csv"), $"{chip.Rig} is not an AimcHil dataset: it is not a SQLite database");

    [Fact]
    public void PlotOfAMissingPathIsOneLine() =>
        AimcProcess.AssertUserError(
            AimcProcess.Run("plot", "nope/none.sqlite"),
            "nope/none.sqlite: no such file or folder; give a dataset (NAME.sqlite), a folder of them, or a training run directory");

    [Theory]
    [InlineData("5x")]
    [InlineData("abc")]
    [InlineData("0s")]
    public void AMaxTimeThatIsNoDurationIsOneLine(string text) =>
        AimcProcess.AssertUserError(
            AimcProcess.Run("characterize", "all", "--rig", chip.Rig, "--out", Path.Combine(chip.Folder, "never"), "--max-time", text),
            $"--max-time {text}: give a positive duration such as 90s, 15m, 2h or 1d");

    [Fact]
    public void AnUnknownMeasurementIsOneLine() =>
        AimcProcess.AssertUserError(
            AimcProcess.Run("characterize", "bogus", "--rig", chip.Rig, "--out", Path.Combine(chip.Folder, "never")),
            "no measurement named bogus: use one of stuck, programming, transfer, ir-drop, read-noise, drift or all");

    /// <summary>Asserts that <c>aimc calibrate</c> refuses a folder of datasets in one line.</summary>
    private static void AssertCalibrateRefuses(string datasets, string message) =>
        AimcProcess.AssertUserError(AimcProcess.Run("calibrate", "--datasets", datasets, "--out", Path.Combine(datasets, "twin.yaml")), message);

    /// <summary>Starts <c>aimc characterize all --seed 5</c> without waiting for it.</summary>
    private static Process StartCharacterize(string rig, string output)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = RepositoryPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "aimc.dll"), "characterize", "all", "--rig", rig, "--out", output, "--seed", $"{SmallHilChip.Seed}", "--no-plots" })
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Points a dataset another process is writing holds so far; 0 before it has its tables.</summary>
    private static long PointsIn(string dataset)
    {
        if (!File.Exists(dataset))
        {
            return 0;
        }

        try
        {
            using var watched = MeasurementDataset.Open(dataset);
            return watched.Count;
        }
        catch (Exception e) when (e is AimcHil.Core.AimcException or Microsoft.Data.Sqlite.SqliteException)
        {
            return 0;
        }
    }
}
