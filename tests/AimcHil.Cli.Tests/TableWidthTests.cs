using AimcHil.Characterization.Calibration;
using AimcHil.Characterization.TwinChecks;
using AimcHil.Cli.Commands;
using AimcHil.Core;
using AimcHil.Rig;
using AimcHil.Training.Runs;

namespace AimcHil.Cli.Tests;

/// <summary>Every table the command line prints reads in an 80-column terminal (issue 17 item 8): drawn from figures as
/// wide as a run gives (long keys, many digits), no line is wider, no row folds into more than two lines and no cell
/// is cut. The tables are the ones the commands print, built by the same functions.</summary>
public sealed class TableWidthTests
{
    public static TheoryData<string> EmulatedRigs() => InfoTableWidthTests.EmulatedRigs();

    /// <summary>The functions that build the tables the commands print; each is drawn by a test below, so a new one
    /// has to be added here and there.</summary>
    [Fact]
    public void EveryTableBuilderIsDrawnHere()
    {
        var builders = typeof(InfoCommand).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.DeclaredOnly))
            .Where(m => m.ReturnType == typeof(Spectre.Console.Table))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}")
            .Order();

        Assert.Equal(
            [
                "BenchCommand.MvmTable", "BenchDirectCommand.CaseTable", "BenchLinkCommand.ResultTable", "CalibrateCommand.ReportTable",
                "InfoCommand.EffectTable", "InfoCommand.PropertyTable", "MvmCommand.SummaryTable", "TrainCommand.SummaryTable", "TwinCheckCommand.ResultTable",
            ],
            builders);
    }

    [Theory]
    [MemberData(nameof(EmulatedRigs))]
    public void InfoAndProbe(string rig)
    {
        using var chip = RigConnector.Open(RigFileReader.Read(rig), new RigOptions());

        TerminalTable.AssertReadable(InfoCommand.PropertyTable(chip.Info), $"{rig} properties");
        TerminalTable.AssertReadable(InfoCommand.EffectTable(chip.Info), $"{rig} non-idealities");
    }

    [Fact]
    public void Mvm() => TerminalTable.AssertReadable(
        MvmCommand.SummaryTable(new MvmSummary
        {
            Rig = "hil-rigs/fmnist-hil-1.yaml", Chip = "fmnist-hil-1", Domain = ComputationDomain.Current, Device = DeviceTechnology.Pcm,
            Ideal = false, Seed = 1, Tile = 5, Rows = 4096, Cols = 4096, Batch = 1 << 20,
            LsbMac = 0.000123456, FullScaleMac = 123456.7, RmseLsb = 12345.678, MaxAbsErrorLsb = 123456.789,
            RmseRelativeFullScale = 0.123456, MaxAbsErrorRelativeFullScale = 1.0, SaturatedOutputs = int.MaxValue,
            ProgrammingPulses = long.MaxValue / 1000, UnconvergedCells = 16_777_216, ProgramSeconds = 12345.67, MvmSeconds = 123456.789,
        }),
        "mvm");

    [Fact]
    public void Train() => TerminalTable.AssertReadable(
        TrainCommand.SummaryTable(new TrainingSummary
        {
            Mode = TrainingMode.Progressive, Model = "lenet", MvmsPerSample = 641, SoftwareTestAccuracy = 0.8765, ChipTestAccuracy = 0.8123,
            InitSoftwareTestAccuracy = 0.8842, Epochs = 100, ProgrammingPulses = 123_456_789_012, Reprograms = 9_380_000,
            TrainSeconds = 123456.7, SamplesPerSecond = 12345, FinalTrainLoss = 0.3, Seed = 1, Interrupted = true,
            Twin = "/work/a/very/long/path/to/the/characterization/of/this/chip/twin.yaml",
            LinkRetries = 123_456, LinkDroppedFrames = 123_456, RigResets = 1234, TilesReprogrammedAfterReset = 12_345,
            OutputDirectory = "/work/a/very/long/path/to/runs/progressive-20261207-003000",
        }),
        "train");

    [Fact]
    public void TwinCheck() => TerminalTable.AssertReadable(
        TwinCheckCommand.ResultTable(new TwinCheckResult
        {
            Outputs = 4096, SystematicCorrelation = -0.99, SystematicRmsDifferenceMac = 123.4567, ChipSystematicRmsMac = -1234.5678,
            TwinSystematicRmsMac = 1234.5678, ColumnSystematicCorrelation = 0.9, ChipRandomSigmaMac = 1234.5678, TwinRandomSigmaMac = 1234.5678,
            ChipSystematicByColumnMac = [], TwinSystematicByColumnMac = [],
        }),
        "twin-check");

    [Fact]
    public void Calibrate()
    {
        // Every key the fit reports (pcm and rram), at the widest its numbers print.
        string[] keys =
        [
            "stuck_on_fraction", "stuck_off_fraction", "wires.word_segment_ohm", "wires.bit_segment_ohm", "rram.iv_a2_per_volt",
            "rram.iv_a3_per_volt_squared", "column_mismatch.gain_sigma", "column_mismatch.offset_sigma_full_scale", "adc.inl_peak_lsb",
            "pcm.drift_nu_mean", "pcm.drift_scale", "rram.read_noise_scale", "rram.programming_noise_scale",
        ];
        string[] units = ["", "Ω", "1/V²", "relative", "full scale", "LSB", "× model"];
        var report = keys.Select((key, k) => new FitParameter(key, -1.23456e-5, 1.23456e-5, units[k % units.Length], -0.0123456, "spread of ν over devices", "ir-drop, transfer")).ToList();

        TerminalTable.AssertReadable(CalibrateCommand.ReportTable(report), "calibrate");
        Assert.Equal("residual -0.0123 spread of ν over devices, from ir-drop, transfer", CalibrateCommand.Note(report[0]));
        Assert.Equal("from stuck", CalibrateCommand.Note(report[0] with { Residual = double.NaN, Source = "stuck" }));
    }

    [Fact]
    public void BenchMvm() => TerminalTable.AssertReadable(
        BenchCommand.MvmTable(new Dictionary<string, MvmBenchCase>
        {
            ["tile_256x256"] = new() { Rows = 256, Cols = 256, Tiles = 1, BlasGflops = 123.45, IdealGflops = 987.65, NoisyGflops = 0.01 },
            ["layer_784x256"] = new() { Rows = 784, Cols = 256, Tiles = 4, BlasGflops = 0.01, IdealGflops = 987.65, NoisyGflops = 987.65 },
        }),
        "bench mvm");

    [Fact]
    public void BenchDirect() => TerminalTable.AssertReadable(
        BenchDirectCommand.CaseTable(new[] { "ad7606_64", "mcp3008_64", "iot_mcp3008_64" }.ToDictionary(
            name => name,
            _ => new DirectBenchCase { KernelCallsPerMvm = 12345.6, MinKernelCallsPerMvm = 12345, BusBytesPerMvm = 1_234_567, MinBusBytesPerMvm = 1_234_567 })),
        "bench direct");

    [Fact]
    public void BenchLink() => TerminalTable.AssertReadable(
        BenchLinkCommand.ResultTable(
            new LinkBench("hil-rigs/pcm-current-256.yaml", 12_000_000, 4096, 8, new PayloadEfficiencies(0.9878, 0.9872), 123.456, 1234.567, 12345.678, 0.711)
            {
                WireBytesPerMvm = 12_345_678, MinWireBytesPerMvm = 1_234_567, WireBytesPerReprogram = 12_345_678, MinWireBytesPerReprogram = 1_234_567,
                ProgramTileSeconds = 1234.56, Hil = new HilStepBench(1234.56, 123.45, 120, 12_345_678, 1_234_567),
            },
            12_000_000),
        "bench link");
}
