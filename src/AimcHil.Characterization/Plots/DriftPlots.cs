using System.Globalization;
using AimcHil.Characterization.Calibration;
using AimcHil.Core;
using ScottPlot;
using DataPoint = AimcHil.Characterization.Datasets.DataPoint;

namespace AimcHil.Characterization.Plots;

/// <summary>The drift plots: the mean state of each level against age on a log axis, and the histogram of the
/// per-device drift exponent ν fitted as the calibration fits it (g = g₀·((t + t₀)/t₀)^−ν, t₀ = 20 s).</summary>
internal static class DriftPlots
{
    /// <summary>The t₀ of the power law (aihwkit's PCM model and the calibration's fit).</summary>
    private const double T0Seconds = 20;

    public static void Draw(ChipInfo chip, IReadOnlyList<DataPoint> points, PlotFiles files)
    {
        var reads = TimedReads.From(points, "drift");
        var levels = DeviceLevels.Of(chip, reads.Targets, reads.Arrays);
        DrawStates(reads, levels, files);
        DrawExponents(reads, levels, files);
    }

    private static void DrawStates(TimedReads reads, float[] levels, PlotFiles files)
    {
        // Age 0 has no place on a log axis; the fit of ν still uses it.
        var ages = Enumerable.Range(0, reads.Ages.Length).Where(a => reads.Ages[a] > 0).ToArray();
        using var plot = PlotFiles.NewPlot("drift: mean device state per level", "age since programming (s, log scale)", "mean device state (state / full scale)");
        var byLevel = Enumerable.Range(0, levels.Length).Where(d => !float.IsNaN(levels[d])).GroupBy(d => levels[d]).OrderByDescending(g => g.Key).ToArray();
        for (var l = 0; l < byLevel.Length; l++)
        {
            var devices = byLevel[l].ToArray();
            var xs = ages.Select(a => Math.Log10(reads.Ages[a])).ToArray();
            var ys = ages.Select(a => devices.Average(d => (double)reads.MeanStates[a][d])).ToArray();
            var line = plot.Add.Scatter(xs, ys, plot.Add.Palette.GetColor(l));
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"target {byLevel[l].Key:0.###}");
        }

        if (ages.Length > 0)
        {
            LogAxis.Apply(plot.Axes.Bottom, reads.Ages[ages[0]], reads.Ages[ages[^1]]);
        }

        plot.ShowLegend(Edge.Right);
        files.Save(plot, "states");
    }

    private static void DrawExponents(TimedReads reads, float[] levels, PlotFiles files)
    {
        var all = reads.DriftExponents(T0Seconds);
        var nu = Enumerable.Range(0, all.Length).Where(d => !float.IsNaN(levels[d]) && double.IsFinite(all[d])).Select(d => all[d]).ToArray();
        var title = nu.Length == 0
            ? $"drift exponent ν: no device with target state ≥ {DeviceLevels.Minimum}"
            : string.Create(CultureInfo.InvariantCulture, $"drift exponent ν of {nu.Length} devices (target state ≥ {DeviceLevels.Minimum}): mean {nu.Average():0.0000}, σ {Stats.StandardDeviation(nu):0.0000}");
        using var plot = PlotFiles.NewPlot(title, "ν = −slope of ln(state) vs ln((age + 20 s) / 20 s) (dimensionless)", "devices (count)");
        if (nu.Length > 0)
        {
            double min = nu.Min(), max = nu.Max();
            if (max - min < 1e-6)
            {
                // Every device alike (drift off): one visible bin rather than a zero-width range.
                (min, max) = (min - 5e-4, max + 5e-4);
            }

            var histogram = ScottPlot.Statistics.Histogram.WithBinCount(Math.Clamp(nu.Length / 20, 10, 60), min, max);
            histogram.AddRange(nu);
            plot.Add.Histogram(histogram);
            var mean = plot.Add.VerticalLine(nu.Average(), 1.5f, Colors.Black, LinePattern.Dashed);
            mean.LegendText = "mean";
            plot.ShowLegend(Alignment.UpperRight);
        }

        files.Save(plot, "nu");
    }
}
