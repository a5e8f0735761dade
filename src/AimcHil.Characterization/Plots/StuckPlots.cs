using System.Globalization;
using AimcHil.Characterization.Datasets;
using AimcHil.Core;
using ScottPlot;
using ScottPlot.TickGenerators;
using DataPoint = AimcHil.Characterization.Datasets.DataPoint;

namespace AimcHil.Characterization.Plots;

/// <summary>The stuck-device map of each tile: its device arrays side by side, stuck-off and stuck-on devices marked,
/// the counts in the title.</summary>
/// <remarks>The rule is the calibration's (<see cref="Calibration.StuckFit"/>): a device asked for the top of its range
/// that stays below the midpoint of the chip's median low and high states is stuck off, one asked for the bottom that
/// stays above it is stuck on. It is applied here to the tiles the dataset holds, so an unfinished run plots too.</remarks>
internal static class StuckPlots
{
    private static readonly Color Healthy = Color.FromHex("#e8e8e8");
    private static readonly Color Off = Color.FromHex("#1f5fbf");
    private static readonly Color On = Color.FromHex("#d62728");

    public static void Draw(IReadOnlyList<DataPoint> points, PlotFiles files)
    {
        var high = new SortedDictionary<int, PointArray>();
        var low = new SortedDictionary<int, PointArray>();
        foreach (var p in points)
        {
            (p.Scalar("weight") > 0 ? high : low)[(int)p.Scalar("tile")] = p.Array("read_state");
        }

        var tiles = high.Keys.Intersect(low.Keys).ToArray();
        if (tiles.Length == 0)
        {
            throw new AimcException("the stuck dataset has no tile read at both ends of its range: measure it again or --resume it");
        }

        // Asked for the top: G⁺ in the +1 read and the other arrays in the −1 read; asked for the bottom, the reverse.
        float AskedHigh(int t, int a, int index) => a == 0 ? high[t].Values[index] : low[t].Values[index];
        float AskedLow(int t, int a, int index) => a == 0 ? low[t].Values[index] : high[t].Values[index];
        var shape = high[tiles[0]].Shape;
        int arrays = shape[0], rows = shape[1], cols = shape[2];
        var cells = rows * cols;
        var devices = tiles.SelectMany(t => Enumerable.Range(0, arrays * cells).Select(index => (t, a: index / cells, index))).ToArray();
        var lowState = Stats.Median(devices.Select(d => (double)AskedLow(d.t, d.a, d.index)));
        var highState = Stats.Median(devices.Select(d => (double)AskedHigh(d.t, d.a, d.index)));
        var threshold = (lowState + highState) / 2;
        foreach (var t in tiles)
        {
            // The arrays side by side with one empty column between them: rows × (arrays·cols + arrays − 1).
            var width = (arrays * cols) + arrays - 1;
            var map = new double[rows, width];
            long off = 0, on = 0;
            for (var i = 0; i < rows; i++)
            {
                for (var x = 0; x < width; x++)
                {
                    map[i, x] = double.NaN;
                }
            }

            for (var a = 0; a < arrays; a++)
            {
                for (var k = 0; k < cells; k++)
                {
                    var index = (a * cells) + k;
                    var code = AskedHigh(t, a, index) < threshold ? 1 : AskedLow(t, a, index) > threshold ? 2 : 0;
                    off += code == 1 ? 1 : 0;
                    on += code == 2 ? 1 : 0;
                    map[k / cols, (a * (cols + 1)) + (k % cols)] = code;
                }
            }

            var title = string.Create(CultureInfo.InvariantCulture, $"tile {t}: {off} stuck off, {on} stuck on of {(long)arrays * cells} devices");
            var names = arrays == 2 ? "G+ | G−" : $"{arrays} device arrays";
            using var plot = PlotFiles.NewPlot(title, $"column (index; {names} side by side)", "row (index)");
            var heatmap = plot.Add.Heatmap(map);
            heatmap.Colormap = new StuckColors();
            heatmap.ManualRange = new ScottPlot.Range(0, 2);
            heatmap.NaNCellColor = Colors.White;
            heatmap.Rectangle = new CoordinateRect(-0.5, width - 0.5, -0.5, rows - 0.5);
            plot.Axes.Bottom.TickGenerator = ColumnTicks(arrays, cols);
            plot.Axes.TightMargins();
            plot.Axes.InvertY();
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "stuck off", FillColor = Off });
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "stuck on", FillColor = On });
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = "healthy", FillColor = Healthy });
            plot.ShowLegend(Edge.Right);
            files.Save(plot, $"tile{t}");
        }
    }

    /// <summary>Ticks that count each array's columns from 0 again (the arrays sit side by side on one axis).</summary>
    private static NumericManual ColumnTicks(int arrays, int cols)
    {
        var step = Math.Max(1, (int)Math.Pow(2, Math.Floor(Math.Log2(cols / 4.0))));
        var ticks = new NumericManual();
        for (var a = 0; a < arrays; a++)
        {
            for (var j = 0; j < cols; j += step)
            {
                ticks.AddMajor((a * (cols + 1)) + j, j.ToString(CultureInfo.InvariantCulture));
            }
        }

        return ticks;
    }

    /// <summary>The three states as three flat colors (0 healthy, 0.5 stuck off, 1 stuck on over the range 0 … 2).</summary>
    private sealed class StuckColors : IColormap
    {
        public string Name => "stuck";

        public Color GetColor(double position) => position < 0.25 ? Healthy : position < 0.75 ? Off : On;
    }
}
