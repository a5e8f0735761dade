using AimcHil.Characterization.Calibration;
using AimcHil.Characterization.TwinChecks;
using AimcHil.Emulator;
using AimcHil.Rig;
using Xunit.Abstractions;

namespace AimcHil.Characterization.Tests;

/// <summary>Calibration of a resistive-division chip (the RRAM preset as it is, 64×64): its scalars come back within
/// 15 % and its twin predicts the chip's systematic and random errors.</summary>
public sealed class ResistiveDivisionTwinTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aimc-divider-twin-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The preset with its columns' gains and offsets exact patterns of its σ and its stuck map exactly its
    /// fractions (16 of 8192 devices each way, 0.2 %), so the 15 % bands test the fit, not the draw.</summary>
    private static ChipPreset Chip()
    {
        var preset = RigFileReader.Read(Path.Combine(RepositoryPaths.Rigs, "rram-resistive-division.yaml")).Chip!;
        return preset with
        {
            ColumnMismatch = preset.ColumnMismatch with { MeasuredGain = [TwinCalibrationTests.Pattern(1, 1, 0.02)], MeasuredOffset = [TwinCalibrationTests.Pattern(3, 0, 0.005)] },
            MeasuredStuck = ChargeTwinTests.StuckMap(2 * 64 * 64, 16),
        };
    }

    [Fact]
    public void RecoversTheDividerChipsScalarsWithin15PercentAndItsTwinPredictsIt()
    {
        var preset = Chip();
        var fit = TwinCalibration.Fit(TwinCalibrationTests.Measure(preset, 5));
        foreach (var p in fit.Report)
        {
            output.WriteLine($"{p.Key} = {p.Value:G4} ± {p.Uncertainty:G2} {p.Unit} (residual {p.Residual:G3} {p.ResidualUnit})");
        }

        var twin = fit.Preset;
        Assert.True(twin.ResistiveDivision!.BalanceLoads);
        Assert.True(twin.Wires.IsIdeal);
        Assert.Equal(preset.MeasuredStuck, fit.Stuck.Map);
        Assert.InRange(twin.Rram!.OnOffRatio, 0.85 * 10, 1.15 * 10);
        Assert.InRange(twin.Rram.ProgrammingSigma, 0.85 * 0.03, 1.15 * 0.03);
        Assert.InRange(twin.Rram.ReadNoiseSigma, 0.85 * 0.01, 1.15 * 0.01);
        Assert.InRange(twin.ColumnMismatch.GainSigma, 0.85 * 0.02, 1.15 * 0.02);
        Assert.InRange(twin.ColumnMismatch.OffsetSigmaFullScale, 0.85 * 0.005, 1.15 * 0.005);
        Assert.InRange(fit.Stuck.OnFraction, 0.85 * 0.002, 1.15 * 0.002);
        Assert.InRange(fit.Stuck.OffFraction, 0.85 * 0.002, 1.15 * 0.002);

        var path = Path.Combine(_dir, "twin.yaml");
        TwinWriter.Write(path, fit, "test");
        var warnings = new StringWriter();
        Assert.Equal(0.2, RigFileReader.Read(path, warnings).Chip!.ResistiveDivision!.ReadVolts);
        Assert.Equal(string.Empty, warnings.ToString());
        Assert.Matches("(?m)^ +read_volts: 0.2$", File.ReadAllText(path));
        using var chip = new EmulatedChip(preset, 5);
        using var twinChip = (EmulatedChip)RigConnector.Open(path, new RigOptions { Seed = 99 });
        var check = TwinCheck.Run(chip, twinChip, new TwinCheckSettings(Samples: 64, Repeats: 16));
        output.WriteLine($"per column {check.ColumnSystematicCorrelation:F3}, random {check.ChipRandomSigmaMac:F4} vs {check.TwinRandomSigmaMac:F4}");
        Assert.True(check.ColumnSystematicCorrelation >= 0.95, $"per-column correlation {check.ColumnSystematicCorrelation:F3}");
        Assert.InRange(check.RandomSigmaRatio, 0.85, 1.15);
    }
}
