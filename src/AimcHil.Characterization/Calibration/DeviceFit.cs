using AimcHil.Characterization.Datasets;
using AimcHil.Characterization.Procedures;
using AimcHil.Core;
using AimcHil.Emulator;

namespace AimcHil.Characterization.Calibration;

/// <summary>The device laws of a twin from the drift, read-noise and programming datasets: each scale is the one
/// under which a candidate twin, measured by the same procedure and estimator, gives the chip's statistic.</summary>
/// <remarks>Drift first (its mean exponent does not depend on noise), then read noise (from the change of each device
/// between ages, which programming errors do not touch), then programming noise (the spread right after a single
/// pulse, less what the fitted read noise adds).</remarks>
internal static class DeviceFit
{
    /// <summary>t₀ of the drift law the fit assumes (the PCM model's reference time).</summary>
    public const double DriftT0Seconds = 20;

    public static ChipPreset Drift(ChipPreset twin, IReadOnlyList<DataPoint> points, TimedReadSettings settings, StuckFit? stuck, List<FitParameter> report)
    {
        var reads = TimedReads.From(points, "drift");
        var groups = DeviceGroups.From(reads.Targets, reads.Arrays, stuck?.OfTile(reads.Tile));
        var nu = reads.DriftExponents(DriftT0Seconds);
        var (mean, sem, spread) = Moments(groups, nu);
        if (twin.Device != DeviceTechnology.Pcm || mean < Math.Max(3 * sem, 0.002))
        {
            report.Add(new FitParameter(DeviceKnobs.Prefix(twin) + ".drift_nu_mean", mean, sem, "", spread, "spread of ν over devices", "drift"));
            return DeviceKnobs.WithDrift(twin, 0);
        }

        var simulated = TimedReads.From(CandidateRun.Measure(DeviceKnobs.WithDrift(twin, 1) with { Tiles = 1 }, TimedReadProcedure.Drift(settings with { Tile = 0 })), "drift");
        var (simMean, _, _) = Moments(DeviceGroups.From(simulated.Targets, simulated.Arrays, null), simulated.DriftExponents(DriftT0Seconds));
        var scale = mean / simMean;
        report.Add(new FitParameter(DeviceKnobs.Prefix(twin) + ".drift_nu_mean", mean, sem, "", spread, "spread of ν over devices", "drift"));
        report.Add(new FitParameter(DeviceKnobs.Prefix(twin) + ".drift_scale", scale, scale * sem / mean, "", double.NaN, "", "drift"));
        return DeviceKnobs.WithDrift(twin, scale);
    }

    public static ChipPreset ReadNoise(ChipPreset twin, IReadOnlyList<DataPoint> points, TimedReadSettings settings, StuckFit? stuck, List<FitParameter> report)
    {
        var reads = TimedReads.From(points, "read-noise");
        var groups = DeviceGroups.From(reads.Targets, reads.Arrays, stuck?.OfTile(reads.Tile));
        var measured = Means(groups, reads.MeanSquareSteps());
        var procedure = TimedReadProcedure.ReadNoise(settings with { Tile = 0 });
        Dictionary<float, double> At(double scale)
        {
            var sim = TimedReads.From(CandidateRun.Measure(DeviceKnobs.WithReadNoise(twin, scale) with { Tiles = 1 }, procedure), "read-noise");
            return Means(DeviceGroups.From(sim.Targets, sim.Arrays, null), sim.MeanSquareSteps());
        }

        var zero = At(0);
        var (scale, uncertainty, residual) = Refine(measured, zero, At(1), At);
        report.Add(new FitParameter(DeviceKnobs.Prefix(twin) + ".read_noise_scale", scale, uncertainty, "× model", Math.Sqrt(residual), "normalized state", "read-noise"));
        return DeviceKnobs.WithReadNoise(twin, scale);
    }

    public static ChipPreset Programming(ChipPreset twin, IReadOnlyList<DataPoint> points, ProgrammingSettings settings, StuckFit? stuck, List<FitParameter> report)
    {
        var single = points.FirstOrDefault(p => p.Scalar("write_verify") == 0)
            ?? throw new AimcException("the programming dataset has no single-pulse point: measure it again (or --resume it)");
        var measured = Variances(single, stuck);
        var procedure = new ProgrammingProcedure(settings with { Tile = 0 });
        Dictionary<float, double> At(double scale) =>
            Variances(CandidateRun.Measure(DeviceKnobs.WithProgrammingNoise(twin, scale) with { Tiles = 1 }, procedure).First(p => p.Scalar("write_verify") == 0), null);

        var (scale, uncertainty, residual) = Refine(measured, At(0), At(1), At);
        report.Add(new FitParameter(DeviceKnobs.Prefix(twin) + ".programming_noise_scale", scale, uncertainty, "× model", Math.Sqrt(residual), "normalized state", "programming"));
        return DeviceKnobs.WithProgrammingNoise(twin, scale);
    }

    /// <summary>Per-level variance over devices of the state read right after a single-pulse programming.</summary>
    private static Dictionary<float, double> Variances(DataPoint single, StuckFit? stuck)
    {
        var states = single.Array("read_state");
        var groups = DeviceGroups.From(single.Array("target_weight"), states.Shape[0], stuck?.OfTile((int)single.Scalar("tile")));
        return groups.VarianceByLevel(Array.ConvertAll(states.Values, v => (double)v)).ToDictionary(p => p.Key, p => p.Value.Variance);
    }

    /// <summary>The pooled solve, then one correction measured at the solution (the law is s² only where nothing clips).</summary>
    private static (double Scale, double Uncertainty, double Residual) Refine(
        Dictionary<float, double> measured, Dictionary<float, double> zero, Dictionary<float, double> one, Func<double, Dictionary<float, double>> at)
    {
        var (scale, uncertainty, residual) = ScaleFit.Solve(measured, zero, one);
        if (scale <= 0)
        {
            return (0, uncertainty, residual);
        }

        var atScale = at(scale);
        var levels = measured.Keys.Where(atScale.ContainsKey).ToArray();
        var want = levels.Sum(l => measured[l] - zero[l]);
        var got = levels.Sum(l => atScale[l] - zero[l]);
        if (got > 0 && want > 0)
        {
            scale *= Math.Sqrt(want / got);
        }

        return (scale, uncertainty, residual);
    }

    private static Dictionary<float, double> Means(DeviceGroups groups, double[] perDevice) =>
        groups.MeanByLevel(perDevice).ToDictionary(p => p.Key, p => p.Value.Mean);

    private static (double Mean, double Sem, double Spread) Moments(DeviceGroups groups, double[] values)
    {
        var kept = values.Where((_, d) => !float.IsNaN(groups.Level[d])).ToArray();
        if (kept.Length < 2)
        {
            throw new AimcException("too few healthy devices above level 0.1 to fit the device laws");
        }

        var mean = kept.Average();
        var spread = Math.Sqrt(kept.Sum(v => (v - mean) * (v - mean)) / (kept.Length - 1));
        return (mean, spread / Math.Sqrt(kept.Length), spread);
    }
}
