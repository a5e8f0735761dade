using System.Globalization;
using AimcHil.Characterization.Datasets;
using AimcHil.Core;
using ScottPlot;
using DataPoint = AimcHil.Characterization.Datasets.DataPoint;

namespace AimcHil.Characterization.Plots;

/// <summary>Plots of the programming measurement: read-back against target weight (mean ± σ per level, single pulse
/// and write-verify), σ per level, and the write-verify pulses per weight.</summary>
internal static class ProgrammingPlots
{
    private const string WeightUnit = "normalized weight, w / w_max";

    public static void Draw(IReadOnlyList<DataPoint> points, PlotFiles files)
    {
        var series = new List<(string Label, LevelSpread[] Levels)>();
        foreach (var (writeVerify, label) in new[] { (0.0, "single pulse"), (1.0, "write-verify") })
        {
            var point = points.FirstOrDefault(p => p.Scalar("write_verify") == writeVerify);
            if (point is not null)
            {
                series.Add((label, LevelSpread.Of(point.Array("target_weight"), point.Array("read_weight"))));
            }
        }

        DrawAchieved(series, files);
        DrawSigma(series, files);
        var verified = points.FirstOrDefault(p => p.Scalar("write_verify") == 1);
        if (verified is not null)
        {
            DrawPulses(verified, files);
        }
    }

    private static void DrawAchieved(List<(string Label, LevelSpread[] Levels)> series, PlotFiles files)
    {
        using var plot = PlotFiles.NewPlot("programmed weight: mean ± σ over the cells of each level", $"target weight ({WeightUnit})", $"read-back weight ({WeightUnit})");
        var ideal = plot.Add.Line(-1, -1, 1, 1);
        ideal.LinePattern = LinePattern.Dashed;
        ideal.Color = Colors.Gray;
        ideal.LegendText = "read = target";
        for (var s = 0; s < series.Count; s++)
        {
            var (label, levels) = series[s];
            // The two series side by side, a little apart, so neither's error bars hide the other's.
            var shift = (s - ((series.Count - 1) / 2.0)) * 0.012;
            var xs = levels.Select(l => l.Target + shift).ToArray();
            var ys = levels.Select(l => l.Mean).ToArray();
            var color = plot.Add.Palette.GetColor(s);
            var errors = plot.Add.ErrorBar(xs, ys, levels.Select(l => l.Sigma).ToArray());
            errors.Color = color;
            var markers = plot.Add.ScatterPoints(xs, ys, color);
            markers.LegendText = label;
        }

        plot.ShowLegend(Alignment.UpperLeft);
        files.Save(plot, "achieved");
    }

    private static void DrawSigma(List<(string Label, LevelSpread[] Levels)> series, PlotFiles files)
    {
        using var plot = PlotFiles.NewPlot("programming error per level", $"target weight ({WeightUnit})", $"σ of read-back − target over the level's cells ({WeightUnit})");
        for (var s = 0; s < series.Count; s++)
        {
            var (label, levels) = series[s];
            var line = plot.Add.Scatter(levels.Select(l => l.Target).ToArray(), levels.Select(l => l.Sigma).ToArray(), plot.Add.Palette.GetColor(s));
            line.LegendText = label;
        }

        plot.Axes.SetLimitsY(0, Math.Max(1e-6, series.SelectMany(s => s.Levels).Select(l => l.Sigma).Where(double.IsFinite).DefaultIfEmpty(0).Max() * 1.15));
        plot.ShowLegend(Alignment.UpperLeft);
        files.Save(plot, "sigma");
    }

    private static void DrawPulses(DataPoint verified, PlotFiles files)
    {
        var pulses = verified.Array("pulses").Values;
        var unconverged = (long)verified.Scalar("unconverged");
        var counts = pulses.GroupBy(p => (int)p).OrderBy(g => g.Key).ToArray();
        var title = string.Create(CultureInfo.InvariantCulture, $"write-verify pulses per weight: {unconverged} of {pulses.Length} weights unconverged, mean {pulses.Average():0.##}");
        using var plot = PlotFiles.NewPlot(title, "pulses spent on a weight (count)", "weights (count)");
        plot.Add.Bars(counts.Select(g => (double)g.Key).ToArray(), counts.Select(g => (double)g.Count()).ToArray());
        plot.Axes.Margins(bottom: 0);
        files.Save(plot, "pulses");
    }

    /// <summary>One weight level: the target and the mean and σ of what the cells at it read back.</summary>
    private sealed record LevelSpread(double Target, double Mean, double Sigma)
    {
        public static LevelSpread[] Of(PointArray targets, PointArray reads)
        {
            if (targets.Values.Length != reads.Values.Length)
            {
                throw new AimcException($"the programming dataset's targets ({targets.Values.Length}) and read-backs ({reads.Values.Length}) differ in size: the file is damaged");
            }

            return targets.Values
                .Select((t, k) => (Target: MathF.Round(t, 4), Read: (double)reads.Values[k]))
                .GroupBy(c => c.Target)
                .OrderBy(g => g.Key)
                .Select(g =>
                {
                    var read = g.Select(c => c.Read).ToArray();
                    return new LevelSpread(g.Key, Stats.Mean(read), Stats.StandardDeviation(read));
                })
                .ToArray();
        }
    }
}
