using AimcHil.Characterization.Calibration;
using AimcHil.Characterization.Datasets;
using AimcHil.Characterization.Procedures;
using AimcHil.Characterization.Running;
using AimcHil.Emulator;
using AimcHil.Rig;
using Xunit.Abstractions;

namespace AimcHil.Characterization.Tests;

/// <summary>Calibration recovers the hidden parameters of an emulated chip from what its procedures measured.</summary>
public sealed class TwinCalibrationTests(ITestOutputHelper output)
{
    /// <summary>The benchmark chip's laws on a small tile, its lines made resistive enough to matter at that size (the
    /// product r·G·rows·cols of the full chip).</summary>
    internal static ChipPreset SmallBenchmarkChip(bool drift)
    {
        var preset = RigFileReader.Read(Path.Combine(RepositoryPaths.Rigs, "fmnist-hil-1.yaml")).Chip!;
        return preset with
        {
            Rows = 64,
            Cols = 64,
            Tiles = 2,
            Wires = new WireConfig { WordSegmentOhm = 4.8, BitSegmentOhm = 4.8, UpdateToleranceLsb = 0 },
            Pcm = preset.Pcm! with { Drift = drift, StuckOffFraction = 0.01 },
            ColumnMismatch = preset.ColumnMismatch with { MeasuredGain = [Pattern(1, 1, 0.10), Pattern(2, 1, 0.10)], MeasuredOffset = [Pattern(3, 0, 0.02), Pattern(4, 0, 0.02)] },
        };
    }

    /// <summary><paramref name="count"/> column values with exactly the given mean and standard deviation (the chip's
    /// "true" read-out).</summary>
    internal static float[] Pattern(ulong seed, double mean, double sigma, int count = 64)
    {
        var rng = AimcHil.Numerics.SeededRandom.For(seed, "test/columns");
        var draws = Enumerable.Range(0, count).Select(_ => rng.NextGaussian()).ToArray();
        var m = draws.Average();
        var s = Math.Sqrt(draws.Sum(v => (v - m) * (v - m)) / (draws.Length - 1));
        return draws.Select(v => (float)(mean + (sigma * (v - m) / s))).ToArray();
    }

    internal static MeasuredChip Measure(ChipPreset preset, ulong seed)
    {
        using var chip = new EmulatedChip(preset, seed);
        Procedure[] procedures =
        [
            new StuckProcedure(new StuckSettings()),
            new ProgrammingProcedure(new ProgrammingSettings()),
            TimedReadProcedure.ReadNoise(),
            TimedReadProcedure.Drift(),
            new TransferProcedure(new TransferSettings()),
            new IrDropProcedure(new IrDropSettings()),
        ];
        var runs = new List<(RunHeader, IReadOnlyList<DataPoint>)>();
        foreach (var procedure in procedures)
        {
            var points = new PointList();
            new MeasurementRun(chip, procedure, points) { Seed = seed }.Execute();
            runs.Add((new RunHeader(procedure.Name, chip.Info, "", procedure.SettingsJson, "test", seed), points.Points.ToList()));
        }

        return new MeasuredChip(runs);
    }

    private static double Rms(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (double)(x - y)).Average());

    [Fact]
    public void RecoversTheBenchmarkChipsScalarsWithin15Percent()
    {
        var preset = SmallBenchmarkChip(drift: true);
        var fit = TwinCalibration.Fit(Measure(preset, 5));
        foreach (var p in fit.Report)
        {
            output.WriteLine($"{p.Key} = {p.Value:G4} ± {p.Uncertainty:G2} {p.Unit} (residual {p.Residual:G3} {p.ResidualUnit})");
        }

        var twin = fit.Preset;
        Assert.InRange(twin.Pcm!.ProgrammingNoiseScale, 0.85, 1.15);
        Assert.InRange(twin.Pcm.ReadNoiseScale, 0.85, 1.15);
        Assert.InRange(twin.Pcm.DriftScale, 0.85, 1.15);
        Assert.InRange(twin.ColumnMismatch.GainSigma, 0.085, 0.115);
        var truth = preset.ColumnMismatch;
        // The floor: a column's transfer holds 20 cells at full scale, whose held 1/f read noise (3.7 % each at t0)
        // moves the column's sum by 3.7 %/√20 = 0.8 % for as long as the tile stays programmed.
        for (var t = 0; t < 2; t++)
        {
            Assert.True(Rms(fit.ColumnGain[t], truth.MeasuredGain![t]) < 0.015, $"gain RMS error {Rms(fit.ColumnGain[t], truth.MeasuredGain[t]):F4} on tile {t}");
            Assert.True(Rms(fit.ColumnOffset[t], truth.MeasuredOffset![t]) < 0.002, $"offset RMS error {Rms(fit.ColumnOffset[t], truth.MeasuredOffset[t]):F4} on tile {t}");
        }
        Assert.InRange(twin.ColumnMismatch.OffsetSigmaFullScale, 0.017, 0.023);
        Assert.InRange(twin.Adc.InlPeakLsb, 0.425, 0.575);
        Assert.InRange(twin.Wires.WordSegmentOhm, 0.85 * 4.8, 1.15 * 4.8);
        Assert.InRange(twin.Wires.BitSegmentOhm, 0.85 * 4.8, 1.15 * 4.8);
        Assert.InRange(fit.Stuck.OffFraction, 0.0085, 0.0115);
    }
}
