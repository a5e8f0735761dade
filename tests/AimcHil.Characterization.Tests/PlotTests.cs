using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Xml.Linq;
using AimcHil.Characterization.Datasets;
using AimcHil.Characterization.Plots;
using AimcHil.Characterization.Procedures;
using AimcHil.Characterization.Running;
using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Rig;

namespace AimcHil.Characterization.Tests;

/// <summary>Every plot kind renders a PNG at the requested size and a well-formed SVG, from measurements on a small
/// emulated chip, from a training run's metrics.jsonl, and from dataset files; a path that is neither says so.</summary>
public sealed class PlotTests : IDisposable
{
    private static readonly PlotSize Size = new(640, 480);
    private static readonly ConcurrentDictionary<string, (ChipInfo Chip, IReadOnlyList<DataPoint> Points)> Measured = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("aimc-plots-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>The benchmark chip shrunk to 32 × 32 × 2 tiles, with drift on so the drift plots have a slope.</summary>
    private static ChipPreset SmallChip()
    {
        var preset = RigFileReader.Read(Path.Combine(RepositoryPaths.Rigs, "fmnist-hil-1.yaml")).Chip!;
        return preset with { Rows = 32, Cols = 32, Tiles = 2, Pcm = preset.Pcm! with { Drift = true } };
    }

    private static (ChipInfo Chip, IReadOnlyList<DataPoint> Points) Measure(string procedure) => Measured.GetOrAdd(procedure, name =>
    {
        using var chip = new EmulatedChip(SmallChip(), 1);
        var points = new PointList();
        var outcome = new MeasurementRun(chip, ProcedureCatalog.Create(name), points) { Seed = 1 }.Execute();
        Assert.True(outcome.Completed);
        return (chip.Info, points.Points.ToList());
    });

    public static TheoryData<string, string[]> Kinds() => new()
    {
        { "programming", ["achieved", "sigma", "pulses"] },
        { "read-noise", ["sigma"] },
        { "drift", ["states", "nu"] },
        { "transfer", ["curves", "gain", "offset", "inl"] },
        { "ir-drop", ["rows", "active-rows"] },
        { "stuck", ["tile0", "tile1"] },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryMeasurementPlotsAsPngAndSvg(string procedure, string[] plots)
    {
        var (chip, points) = Measure(procedure);
        var files = MeasurementPlots.Draw(procedure, chip, points, _directory, procedure, PlotFormat.Both, Size);
        var expected = plots.SelectMany(p => new[] { $"{procedure}.{p}.png", $"{procedure}.{p}.svg" }).Order();
        Assert.Equal(expected, files.Select(Path.GetFileName).Order());
        AssertImages(files);
    }

    [Fact]
    public void TrainingRunPlotsLossAccuracyAndPulses()
    {
        var run = Path.Combine(_directory, "run");
        Directory.CreateDirectory(run);
        File.WriteAllLines(Path.Combine(run, TrainingRunPlots.MetricsFile),
        [
            """{"epoch":1,"train_loss":1.25,"train_accuracy":0.33,"software_test_accuracy":0.20,"chip_test_accuracy":0.33,"programming_pulses":65536,"reprograms":1,"seconds":0.3}""",
            """{"epoch":2,"train_loss":0.80,"train_accuracy":0.61,"software_test_accuracy":0.55,"chip_test_accuracy":null,"programming_pulses":90000,"reprograms":4,"seconds":0.3}""",
            "",
            """{"epoch":3,"train_loss":0.52,"train_accuracy":0.78,"software_test_accuracy":0.70,"programming_pulses":120000,"reprograms":7,"seconds":0.3}""",
        ]);

        var epochs = TrainingRunPlots.Read(Path.Combine(run, TrainingRunPlots.MetricsFile));
        Assert.Equal([1, 2, 3], epochs.Select(e => e.Epoch));
        Assert.Equal([0.33, null, null], epochs.Select(e => e.ChipTestAccuracy));

        var files = PathPlots.Draw(run, null, PlotFormat.Both, Size);
        var expected = new[] { "loss", "accuracy", "pulses" }.SelectMany(p => new[] { $"training.{p}.png", $"training.{p}.svg" }).Order();
        Assert.Equal(expected, files.Select(Path.GetFileName).Order());
        Assert.All(files, f => Assert.Equal(run, Path.GetDirectoryName(f)));
        AssertImages(files);
    }

    [Fact]
    public void BrokenMetricsLineNamesItsLine()
    {
        var metrics = Path.Combine(_directory, TrainingRunPlots.MetricsFile);
        File.WriteAllLines(metrics, ["""{"epoch":1,"train_loss":1.0,"train_accuracy":0.5}""", "{not json"]);
        var e = Assert.Throws<AimcException>(() => TrainingRunPlots.Read(metrics));
        Assert.StartsWith($"{metrics} line 2 is not an epoch's metrics: ", e.Message);
    }

    [Fact]
    public void DatasetFilesAndADirectoryOfThemPlot()
    {
        var datasets = Path.Combine(_directory, "datasets");
        foreach (var name in new[] { "stuck", "programming" })
        {
            var (chip, points) = Measure(name);
            var procedure = ProcedureCatalog.Create(name);
            var header = new RunHeader(name, chip, "kind: emulator", procedure.SettingsJson, "test", 1);
            using var dataset = MeasurementDataset.Create(Path.Combine(datasets, name + PathPlots.DatasetExtension), header, procedure.Parameters);
            foreach (var p in points)
            {
                dataset.Append(p);
            }

            dataset.Finish("completed");
        }

        var one = PathPlots.Draw(Path.Combine(datasets, "programming.sqlite"), null, PlotFormat.Png, Size);
        Assert.Equal(["programming.achieved.png", "programming.pulses.png", "programming.sigma.png"], one.Select(Path.GetFileName).Order());
        Assert.All(one, f => Assert.Equal(datasets, Path.GetDirectoryName(f)));

        var output = Path.Combine(_directory, "plots");
        var all = PathPlots.Draw(datasets, output, PlotFormat.Svg, Size);
        Assert.Equal(
            ["programming.achieved.svg", "programming.pulses.svg", "programming.sigma.svg", "stuck.tile0.svg", "stuck.tile1.svg"],
            all.Select(Path.GetFileName).Order());
        Assert.All(all, f => Assert.Equal(output, Path.GetDirectoryName(f)));
        AssertImages(all);
    }

    [Fact]
    public void APathThatIsNeitherIsRefusedInOneLine()
    {
        var other = Path.Combine(_directory, "notes.txt");
        File.WriteAllText(other, "not a dataset");
        var empty = Path.Combine(_directory, "empty");
        Directory.CreateDirectory(empty);
        var missing = Path.Combine(_directory, "missing.sqlite");
        foreach (var path in new[] { other, empty, missing })
        {
            var e = Assert.Throws<AimcException>(() => PathPlots.Draw(path, null, PlotFormat.Png));
            Assert.Equal($"{path} is neither a dataset nor a training run directory", e.Message);
        }
    }

    [Fact]
    public void AnUnknownProcedureAndAnEmptyDatasetAreRefused()
    {
        var (chip, points) = Measure("stuck");
        var unknown = Assert.Throws<AimcException>(() => MeasurementPlots.Draw("noise", chip, points, _directory, "x", PlotFormat.Png));
        Assert.Equal("no plots for a measurement named noise: plots exist for stuck, programming, transfer, ir-drop, read-noise, drift", unknown.Message);
        var empty = Assert.Throws<AimcException>(() => MeasurementPlots.Draw("drift", chip, [], _directory, "x", PlotFormat.Png));
        Assert.Equal("the drift dataset holds no points yet: nothing to plot", empty.Message);
    }

    /// <summary>PNGs: the signature and an IHDR of the requested size; SVGs: well-formed XML with an svg root.</summary>
    private static void AssertImages(IEnumerable<string> files)
    {
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            Assert.True(bytes.Length > 1000, $"{file} holds only {bytes.Length} bytes");
            if (file.EndsWith(".png", StringComparison.Ordinal))
            {
                Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
                Assert.Equal("IHDR"u8.ToArray(), bytes[12..16]);
                Assert.Equal(Size.Width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
                Assert.Equal(Size.Height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
            }
            else
            {
                var root = XDocument.Load(file).Root!;
                Assert.Equal("svg", root.Name.LocalName);
            }
        }
    }
}
