using AimcHil.Characterization.Calibration;
using AimcHil.Characterization.TwinChecks;
using AimcHil.Emulator;
using AimcHil.Rig;
using Xunit.Abstractions;

namespace AimcHil.Characterization.Tests;

/// <summary>Calibration of a charge-domain chip (the RRAM 1T1R preset on small tiles): its scalars come back within
/// 15 % and its twin predicts the chip's systematic and random errors.</summary>
public sealed class ChargeTwinTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aimc-charge-twin-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The charge preset's laws on 64×64 tiles, its lines 4 Ω so r·G·rows·cols is the full chip's (1 Ω at
    /// 128×128), its columns' gains and offsets exact patterns of the preset's σ, its stuck map exactly the preset's
    /// fractions (82 of 16384 devices each way), so the 15 % bands test the fit, not the draw.</summary>
    internal static ChipPreset SmallChargeChip()
    {
        var preset = RigFileReader.Read(Path.Combine(RepositoryPaths.Rigs, "rram-1t1r-charge.yaml")).Chip!;
        return preset with
        {
            Rows = 64,
            Cols = 64,
            Tiles = 2,
            Wires = new WireConfig { WordSegmentOhm = 4.0, BitSegmentOhm = 4.0, UpdateToleranceLsb = 0 },
            ColumnMismatch = preset.ColumnMismatch with
            {
                MeasuredGain = [TwinCalibrationTests.Pattern(1, 1, 0.02), TwinCalibrationTests.Pattern(2, 1, 0.02)],
                MeasuredOffset = [TwinCalibrationTests.Pattern(3, 0, 0.005), TwinCalibrationTests.Pattern(4, 0, 0.005)],
            },
            MeasuredStuck = StuckMap(2 * 2 * 64 * 64, 82),
        };
    }

    /// <summary>A map (0 healthy, 1 stuck off, 2 stuck on) with exactly <paramref name="each"/> devices stuck each way
    /// at seeded places.</summary>
    internal static sbyte[] StuckMap(int devices, int each)
    {
        var rng = AimcHil.Numerics.SeededRandom.For(6, "test/stuck");
        var map = new sbyte[devices];
        for (var placed = 0; placed < 2 * each;)
        {
            var k = rng.NextInt(devices);
            if (map[k] == 0)
            {
                map[k] = (sbyte)(placed < each ? 1 : 2);
                placed++;
            }
        }

        return map;
    }

    [Fact]
    public void RecoversTheChargeChipsScalarsWithin15PercentAndItsTwinPredictsIt()
    {
        var preset = SmallChargeChip();
        var fit = TwinCalibration.Fit(TwinCalibrationTests.Measure(preset, 5));
        foreach (var p in fit.Report)
        {
            output.WriteLine($"{p.Key} = {p.Value:G4} ± {p.Uncertainty:G2} {p.Unit} (residual {p.Residual:G3} {p.ResidualUnit})");
        }

        var twin = fit.Preset;
        output.WriteLine($"charge: C {twin.Charge!.IntegrationCapacitanceFarad:G4} F, T {twin.Charge.TemperatureKelvin:G4} K, rail {twin.Charge.RailVolts} V, on/off {twin.Rram!.OnOffRatio:G4}");
        Assert.InRange(twin.Rram.OnOffRatio, 0.85 * 10, 1.15 * 10);
        Assert.InRange(twin.Rram.ProgrammingSigma, 0.85 * 0.03, 1.15 * 0.03);
        Assert.InRange(twin.Rram.ReadNoiseSigma, 0.85 * 0.01, 1.15 * 0.01);
        Assert.InRange(twin.ColumnMismatch.GainSigma, 0.85 * 0.02, 1.15 * 0.02);
        Assert.InRange(twin.ColumnMismatch.OffsetSigmaFullScale, 0.85 * 0.005, 1.15 * 0.005);
        Assert.InRange(twin.Adc.InlPeakLsb, 0.85 * 0.3, 1.15 * 0.3);
        Assert.InRange(twin.Wires.WordSegmentOhm, 0.85 * 4.0, 1.15 * 4.0);
        Assert.InRange(twin.Wires.BitSegmentOhm, 0.85 * 4.0, 1.15 * 4.0);
        Assert.Equal(preset.MeasuredStuck, fit.Stuck.Map);
        Assert.InRange(fit.Stuck.OnFraction, 0.85 * 0.005, 1.15 * 0.005);
        Assert.InRange(fit.Stuck.OffFraction, 0.85 * 0.005, 1.15 * 0.005);

        using var chip = new EmulatedChip(preset, 5);
        var path = Path.Combine(_dir, "twin.yaml");
        TwinWriter.Write(path, fit, "test");
        using var twinChip = (EmulatedChip)RigConnector.Open(path, new RigOptions { Seed = 99 });
        Assert.Equal(twin.Charge, twinChip.Preset.Charge);
        var check = TwinCheck.Run(chip, twinChip, new TwinCheckSettings(Samples: 64, Repeats: 16));
        output.WriteLine($"per column {check.ColumnSystematicCorrelation:F3}, random {check.ChipRandomSigmaMac:F4} vs {check.TwinRandomSigmaMac:F4}");
        Assert.True(check.ColumnSystematicCorrelation >= 0.95, $"per-column correlation {check.ColumnSystematicCorrelation:F3}");
        Assert.InRange(check.RandomSigmaRatio, 0.85, 1.15);
    }
}
