using AimcHil.Characterization.Calibration;
using AimcHil.Characterization.TwinChecks;
using AimcHil.Emulator;
using AimcHil.Rig;
using Xunit.Abstractions;

namespace AimcHil.Characterization.Tests;

/// <summary>A fitted twin, written and read back as a rig file, predicts its chip.</summary>
public sealed class TwinCheckTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aimc-twin-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void WrittenTwinPredictsTheChipsSystematicAndRandomErrors()
    {
        var preset = TwinCalibrationTests.SmallBenchmarkChip(drift: false);
        var fit = TwinCalibration.Fit(TwinCalibrationTests.Measure(preset, 5));
        var path = Path.Combine(_dir, "twin.yaml");
        TwinWriter.Write(path, fit, "test");
        output.WriteLine(File.ReadAllText(path));

        using var chip = new EmulatedChip(preset, 5);
        using var twin = (EmulatedChip)RigConnector.Open(path, new RigOptions { Seed = 99 });
        Assert.Equal(fit.ColumnGain[1], twin.Preset.ColumnMismatch.MeasuredGain![1]);
        Assert.Equal(fit.Stuck.Map, twin.Preset.MeasuredStuck);
        var check = TwinCheck.Run(chip, twin, new TwinCheckSettings(Samples: 64, Repeats: 16));
        output.WriteLine($"per output {check.SystematicCorrelation:F3}, per column {check.ColumnSystematicCorrelation:F3}, rms diff {check.SystematicRmsDifferenceMac:F4} (chip {check.ChipSystematicRmsMac:F4}, twin {check.TwinSystematicRmsMac:F4}), random {check.ChipRandomSigmaMac:F4} vs {check.TwinRandomSigmaMac:F4}");
        Assert.True(check.ColumnSystematicCorrelation >= 0.95, $"per-column correlation {check.ColumnSystematicCorrelation:F3}");
        Assert.InRange(check.RandomSigmaRatio, 0.85, 1.15);
    }
}
