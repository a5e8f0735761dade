using System.Globalization;
using AimcHil.Characterization.Datasets;
using AimcHil.Core;

namespace AimcHil.Characterization.Plots;

/// <summary>The read-noise plot: σ per device level, one series per age.</summary>
/// <remarks>σ is the spread of the repeated reads at one age around each device's own mean at that age, pooled over
/// the level's devices: the programming error and the drift between ages drop out, what is left is what one read
/// adds. Reads taken at one moment share the slow (1/f) part of read noise, so this is the part that changes from
/// read to read; the slow part shows between ages (the calibration fits it). A dataset of single reads has no
/// repeats to compare, so there σ is the spread over the level's devices instead, and the axis says so.</remarks>
internal static class ReadNoisePlots
{
    public static void Draw(ChipInfo chip, IReadOnlyList<DataPoint> points, PlotFiles files)
    {
        var first = points.FirstOrDefault(p => p.Arrays.ContainsKey("target_weight"))
            ?? throw new AimcException("the read-noise dataset has no first point (its targets): measure it again");
        var arrays = first.Array("read_state").Shape[0];
        var levels = DeviceLevels.Of(chip, first.Array("target_weight"), arrays);
        var byAge = points.GroupBy(p => p.Scalar("age_seconds")).OrderBy(g => g.Key).ToArray();
        var repeated = byAge.Any(g => g.Count() > 1);
        var yLabel = repeated
            ? "read noise σ: read − the device's mean at that age (state / full scale)"
            : "σ of the read over the level's devices (state / full scale)";
        using var plot = PlotFiles.NewPlot("read noise per level", "device target state (state / full scale)", yLabel);
        for (var a = 0; a < byAge.Length; a++)
        {
            var reads = byAge[a].Select(p => p.Array("read_state").Values).ToArray();
            var sigma = repeated ? WithinDevice(reads, levels) : AcrossDevices(reads[0], levels);
            var line = plot.Add.Scatter(sigma.Keys.Select(l => (double)l).ToArray(), sigma.Values.ToArray(), plot.Add.Palette.GetColor(a));
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"age {byAge[a].Key:g4} s ({reads.Length} reads)");
        }

        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, plot.Axes.GetLimits().Top);
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        files.Save(plot, "sigma");
    }

    /// <summary>Per level: the pooled σ of the reads around each device's mean, Σ squares / Σ (n − 1).</summary>
    private static SortedDictionary<float, double> WithinDevice(float[][] reads, float[] levels)
    {
        var sums = new Dictionary<float, (double Squares, long Freedom)>();
        for (var d = 0; d < levels.Length; d++)
        {
            if (float.IsNaN(levels[d]))
            {
                continue;
            }

            double mean = 0;
            foreach (var r in reads)
            {
                mean += r[d] / (double)reads.Length;
            }

            double squares = 0;
            foreach (var r in reads)
            {
                squares += (r[d] - mean) * (r[d] - mean);
            }

            sums.TryGetValue(levels[d], out var s);
            sums[levels[d]] = (s.Squares + squares, s.Freedom + reads.Length - 1);
        }

        return new SortedDictionary<float, double>(sums.Where(p => p.Value.Freedom > 0).ToDictionary(p => p.Key, p => Math.Sqrt(p.Value.Squares / p.Value.Freedom)));
    }

    private static SortedDictionary<float, double> AcrossDevices(float[] read, float[] levels) =>
        new(Enumerable.Range(0, levels.Length)
            .Where(d => !float.IsNaN(levels[d]))
            .GroupBy(d => levels[d])
            .ToDictionary(g => g.Key, g => Stats.StandardDeviation(g.Select(d => (double)read[d]).ToArray())));
}
