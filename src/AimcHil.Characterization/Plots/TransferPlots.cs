using System.Globalization;
using AimcHil.Core;
using ScottPlot;
using DataPoint = AimcHil.Characterization.Datasets.DataPoint;

namespace AimcHil.Characterization.Plots;

/// <summary>The transfer plots: a few columns' output against input code with their straight-line fits, and per
/// column the gain, the offset and the peak INL of that fit.</summary>
/// <remarks>Outputs are in MAC through the chip's own code scale (mac = offset + code · scale). The fit leaves out the
/// codes where any repeat sat on an ADC rail: saturation is not non-linearity. Gain is the fitted slope over the
/// ideal one, Σᵢ wᵢⱼ / code_max MAC per input code (every row driven with the same code).</remarks>
internal static class TransferPlots
{
    private const int CurveColumns = 4;

    public static void Draw(ChipInfo chip, IReadOnlyList<DataPoint> points, PlotFiles files)
    {
        var tiles = points.GroupBy(p => (int)p.Scalar("tile")).OrderBy(g => g.Key)
            .Select(g => ColumnFits.Of(chip, g.Key, g.ToList()))
            .OfType<ColumnFits>()
            .ToArray();
        if (tiles.Length == 0)
        {
            throw new AimcException("the transfer dataset has no tile with its programming point and two input codes: measure it again or --resume it");
        }

        DrawCurves(tiles[0], files);
        DrawPerColumn(tiles, files, "gain", "column gain: fitted slope / ideal slope", "gain (fitted / ideal slope, ratio)", f => f.Gain);
        DrawPerColumn(tiles, files, "offset", "column offset: the fit's output at input code 0", "offset (MAC)", f => f.Offset);
        DrawPerColumn(tiles, files, "inl", "column INL: peak |residual| of the straight-line fit", "peak |INL| (LSB of the column's ADC)", f => f.PeakInlLsb, fromZero: true);
    }

    private static void DrawCurves(ColumnFits tile, PlotFiles files)
    {
        var cols = tile.Mac.GetLength(1);
        var picked = Enumerable.Range(0, CurveColumns).Select(k => (int)Math.Round((double)k * (cols - 1) / (CurveColumns - 1))).Distinct().ToArray();
        using var plot = PlotFiles.NewPlot($"tile {tile.Tile} transfer: output vs input code, straight-line fits (dashed)", "input code on every row (DAC code)", "column output (MAC)");
        for (var c = 0; c < picked.Length; c++)
        {
            var j = picked[c];
            var color = plot.Add.Palette.GetColor(c);
            var ys = Enumerable.Range(0, tile.Codes.Length).Select(k => tile.Mac[k, j]).ToArray();
            var measured = plot.Add.ScatterPoints(tile.Codes, ys, color);
            measured.MarkerSize = 4;
            measured.LegendText = string.Create(CultureInfo.InvariantCulture, $"column {j}: gain {tile.Gain[j]:0.000}, INL {tile.PeakInlLsb[j]:0.00} LSB");
            var (first, last) = (tile.Codes[0], tile.Codes[^1]);
            var fit = plot.Add.Line(first, tile.Offset[j] + (tile.Slope[j] * first), last, tile.Offset[j] + (tile.Slope[j] * last));
            fit.Color = color;
            fit.LinePattern = LinePattern.Dashed;
        }

        plot.ShowLegend(Alignment.UpperLeft);
        files.Save(plot, "curves");
    }

    private static void DrawPerColumn(ColumnFits[] tiles, PlotFiles files, string name, string title, string yLabel, Func<ColumnFits, double[]> value, bool fromZero = false)
    {
        var all = tiles.SelectMany(value).Where(double.IsFinite).ToArray();
        var summary = all.Length == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" (mean {all.Average():g3}, σ {Stats.StandardDeviation(all):g3})");
        using var plot = PlotFiles.NewPlot(title + summary, "column (index)", yLabel);
        for (var t = 0; t < tiles.Length; t++)
        {
            var ys = value(tiles[t]);
            var xs = Enumerable.Range(0, ys.Length).Select(j => (double)j).ToArray();
            var markers = plot.Add.ScatterPoints(xs, ys, plot.Add.Palette.GetColor(t));
            markers.MarkerSize = 5;
            markers.LegendText = $"tile {tiles[t].Tile}";
        }

        if (tiles.Length > 1)
        {
            plot.ShowLegend(Alignment.UpperRight);
        }

        if (fromZero && all.Length > 0)
        {
            plot.Axes.SetLimitsY(0, all.Max() * 1.15);
        }

        files.Save(plot, name);
    }

    /// <summary>One tile's sweep in MAC and the straight-line fit of every column.</summary>
    private sealed record ColumnFits(int Tile, double[] Codes, double[,] Mac, double[] Slope, double[] Offset, double[] Gain, double[] PeakInlLsb)
    {
        /// <summary>The tile's fits, or null when the tile lacks its programming point or two swept codes.</summary>
        public static ColumnFits? Of(ChipInfo chip, int tile, List<DataPoint> points)
        {
            var header = points.FirstOrDefault(p => p.Arrays.ContainsKey("mac_per_code"));
            var sweep = points.Where(p => p.Scalars.ContainsKey("input_code")).OrderBy(p => p.Scalar("input_code")).ToArray();
            if (header is null || sweep.Length < 2)
            {
                return null;
            }

            var scale = header.Array("mac_per_code").Values;
            var offset = header.Array("mac_offset").Values;
            var targets = header.Array("target_weight");
            int cols = scale.Length, rows = targets.Shape[0];
            var codes = sweep.Select(p => p.Scalar("input_code")).ToArray();
            var mac = new double[sweep.Length, cols];
            var railed = new bool[sweep.Length, cols];
            for (var k = 0; k < sweep.Length; k++)
            {
                var adc = sweep[k].Array("adc_code");
                var repeats = adc.Shape[0];
                for (var j = 0; j < cols; j++)
                {
                    double sum = 0;
                    for (var r = 0; r < repeats; r++)
                    {
                        var code = adc.Values[(r * cols) + j];
                        sum += code;
                        railed[k, j] |= code <= chip.AdcCodeMin || code >= chip.AdcCodeMax;
                    }

                    mac[k, j] = offset[j] + (sum / repeats * scale[j]);
                }
            }

            var slope = new double[cols];
            var intercept = new double[cols];
            var gain = new double[cols];
            var inl = new double[cols];
            for (var j = 0; j < cols; j++)
            {
                var inside = Enumerable.Range(0, sweep.Length).Where(k => !railed[k, j]).ToArray();
                var xs = inside.Select(k => codes[k]).ToArray();
                var ys = inside.Select(k => mac[k, j]).ToArray();
                (slope[j], intercept[j]) = Stats.LineFit(xs, ys);
                double weightSum = 0;
                for (var i = 0; i < rows; i++)
                {
                    weightSum += targets.Values[(i * cols) + j];
                }

                gain[j] = slope[j] / (weightSum / chip.InputCodeMax);
                inl[j] = inside.Length < 2 ? double.NaN : inside.Max(k => Math.Abs(mac[k, j] - (intercept[j] + (slope[j] * codes[k])))) / scale[j];
            }

            return new ColumnFits(tile, codes, mac, slope, intercept, gain, inl);
        }
    }
}
