using System.Globalization;
using AimcHil.Core;
using ScottPlot;
using DataPoint = AimcHil.Characterization.Datasets.DataPoint;

namespace AimcHil.Characterization.Plots;

/// <summary>The IR-drop plots: every column's output with one row driven at a time (a heatmap normalized to the
/// median), and the mean output with the first k rows driven over the ideal k·w·x, for each weight pattern.</summary>
internal static class IrDropPlots
{
    public static void Draw(ChipInfo chip, IReadOnlyList<DataPoint> points, PlotFiles files)
    {
        var patterns = points.GroupBy(p => (int)p.Scalar("pattern")).OrderBy(g => g.Key)
            .Select(g => PatternReads.Of(chip, g.Key, g.ToList()))
            .OfType<PatternReads>()
            .ToArray();
        if (patterns.Length == 0)
        {
            throw new AimcException("the ir-drop dataset has no pattern with its programming point: measure it again or --resume it");
        }

        var full = patterns.FirstOrDefault(p => p.Pattern == 0);
        if (full is not null && full.SingleRows.Count > 0)
        {
            DrawRows(full, files);
        }

        DrawActiveRows(patterns, files);
    }

    private static void DrawRows(PatternReads reads, PlotFiles files)
    {
        var rows = reads.SingleRows;
        var cols = rows[0].Mac.Length;
        var median = Stats.Median(rows.SelectMany(r => r.Mac));
        var ratio = new double[rows.Count, cols];
        for (var r = 0; r < rows.Count; r++)
        {
            for (var j = 0; j < cols; j++)
            {
                ratio[r, j] = rows[r].Mac[j] / median;
            }
        }

        var title = string.Create(CultureInfo.InvariantCulture, $"one row driven (code {rows[0].Code}): output / median ({median:g4} MAC)");
        using var plot = PlotFiles.NewPlot(title, "column (index)", "driven row (index)");
        var heatmap = plot.Add.Heatmap(ratio);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        // The driven rows are spread evenly over the tile: each heatmap row stands for one of them.
        var first = rows[0].Row;
        var step = rows.Count > 1 ? (double)(rows[^1].Row - first) / (rows.Count - 1) : 1;
        heatmap.Rectangle = new CoordinateRect(-0.5, cols - 0.5, first - (step / 2), rows[^1].Row + (step / 2));
        plot.Axes.TightMargins();
        plot.Axes.InvertY();
        plot.Add.ColorBar(heatmap).Label = "output / median (ratio)";
        files.Save(plot, "rows");
    }

    private static void DrawActiveRows(PatternReads[] patterns, PlotFiles files)
    {
        using var plot = PlotFiles.NewPlot("first k rows driven: mean output of the loaded columns / ideal", "active rows k (count, log scale)", "mean output / ideal k·w·x (ratio)");
        var ideal = plot.Add.HorizontalLine(1, 1, Colors.Gray, LinePattern.Dashed);
        ideal.LegendText = "ideal";
        var ks = new List<double>();
        for (var p = 0; p < patterns.Length; p++)
        {
            var drives = patterns[p].FirstRows;
            if (drives.Count == 0)
            {
                continue;
            }

            ks.AddRange(drives.Select(d => (double)d.Rows));
            var loaded = patterns[p].LoadedColumns;
            var ys = drives.Select(d => loaded.Average(j => d.Mac[j]) / (d.Rows * patterns[p].Weight * d.Code / patterns[p].InputCodeMax)).ToArray();
            var line = plot.Add.Scatter(drives.Select(d => Math.Log10(d.Rows)).ToArray(), ys, plot.Add.Palette.GetColor(p));
            line.LegendText = patterns[p].Pattern == 0 ? "weight on every column" : "weight on the first half of the columns";
        }

        if (ks.Count > 0)
        {
            LogAxis.Apply(plot.Axes.Bottom, ks.Min(), ks.Max());
        }

        plot.ShowLegend(Alignment.LowerLeft);
        files.Save(plot, "active-rows");
    }

    /// <summary>One drive's mean output per column in MAC.</summary>
    private sealed record Drive(int Row, int Rows, int Code, double[] Mac);

    /// <summary>The reads of one weight pattern: its single-row drives in row order and its first-k-rows drives.</summary>
    private sealed record PatternReads(int Pattern, double Weight, int InputCodeMax, int[] LoadedColumns, List<Drive> SingleRows, List<Drive> FirstRows)
    {
        /// <summary>The pattern's reads, or null when its programming point (the code scale) is missing.</summary>
        public static PatternReads? Of(ChipInfo chip, int pattern, List<DataPoint> points)
        {
            var header = points.FirstOrDefault(p => p.Arrays.ContainsKey("mac_per_code"));
            if (header is null)
            {
                return null;
            }

            var scale = header.Array("mac_per_code").Values;
            var offset = header.Array("mac_offset").Values;
            var targets = header.Array("target_weight");
            var cols = scale.Length;
            var weight = targets.Values.Select(Math.Abs).Max();
            // A column is loaded when it holds the weight (pattern 1 leaves the second half empty).
            var loaded = Enumerable.Range(0, cols).Where(j => Enumerable.Range(0, targets.Shape[0]).Any(i => targets.Values[(i * cols) + j] != 0)).ToArray();
            var drives = points.Where(p => p.Scalars.ContainsKey("active_rows")).Select(p =>
            {
                var adc = p.Array("adc_code");
                var repeats = adc.Shape[0];
                var mac = new double[cols];
                for (var j = 0; j < cols; j++)
                {
                    double sum = 0;
                    for (var r = 0; r < repeats; r++)
                    {
                        sum += adc.Values[(r * cols) + j];
                    }

                    mac[j] = offset[j] + (sum / repeats * scale[j]);
                }

                return new Drive((int)p.Scalar("active_row"), (int)p.Scalar("active_rows"), (int)p.Scalar("input_code"), mac);
            }).ToList();
            return new PatternReads(
                pattern,
                weight,
                chip.InputCodeMax,
                loaded,
                drives.Where(d => d.Row >= 0).OrderBy(d => d.Row).ToList(),
                drives.Where(d => d.Row < 0).OrderBy(d => d.Rows).ToList());
        }
    }
}
