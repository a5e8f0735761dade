using AimcHil.Emulator;

namespace AimcHil.Characterization.Calibration;

/// <summary>Word- and bit-line segment resistance, then every column's gain, offset and ADC bow, from the transfer
/// sweeps (few cells per line: the read-out) and the ir-drop sweep (uniform weights: the lines loaded).</summary>
/// <remarks>For a candidate pair of resistances the emulator's own network predicts every drive; each column's gain
/// and offset are fitted on the transfer sweep of the ir-drop tile, and the resistances are the pair under which those
/// columns then also explain the ir-drop sweep. The search runs on the total resistance per cell pitch and the word
/// line's share of it, not on the two resistances: the sweep pins the total far better than the split, so the residual
/// is a long valley across the two resistances, where a search along each in turn stalls (it stopped at 0.40 and
/// 0.24 Ω on a 0.3/0.3 Ω chip whose own pair fits better).</remarks>
internal static class ReadoutFit
{
    private const int CoarseSteps = 16;
    private const int FineSteps = 10;

    public static WireEstimate Wires(ChipPreset design, ReadoutSweep transfer, IReadOnlyList<ReadoutSweep> irDrop, double deviceFullScale)
    {
        double Objective(double word, double bit) => Residual(design, transfer, irDrop, word, bit).RmsMac;

        // A line whose r·G·cells² reaches ~10 would lose nearly all its signal: far past any chip worth measuring.
        var physicalCols = 2 * design.Cols;
        var maxOhm = 10.0 / (deviceFullScale * design.Rows * physicalCols);
        double Split(double total, double share) => Objective(total * share, total * (1 - share));
        var share = 0.5;
        var total = Golden(t => Split(t, share), 0, 2 * maxOhm, CoarseSteps);
        if (total > 0)
        {
            share = Golden(f => Split(total, f), 0, 1, CoarseSteps);
            total = Golden(t => Split(t, share), 0.8 * total, 1.2 * total, FineSteps);
            share = Golden(f => Split(total, f), Math.Max(0, share - 0.15), Math.Min(1, share + 0.15), FineSteps);
        }

        var (word, bit) = (total * share, total * (1 - share));
        var best = Residual(design, transfer, irDrop, word, bit);
        var (wordSigma, bitSigma) = Uncertainty(design, transfer, irDrop, word, bit, best, 0.05 * maxOhm);
        return new WireEstimate(word, bit, wordSigma, bitSigma, best.RmsMac);
    }

    /// <summary>1σ of each resistance from the curvature of the residual sum of squares at the fit (its finite-
    /// difference Hessian H, covariance 2·s²·H⁻¹ with s² the residual variance, counted per column, not per reading,
    /// see <see cref="WireResidual"/>). Infinite where the sweep does not bend the residual.</summary>
    private static (double Word, double Bit) Uncertainty(ChipPreset design, ReadoutSweep transfer, IReadOnlyList<ReadoutSweep> irDrop, double word, double bit, WireResidual best, double step)
    {
        // Steps stay on the physical side (no negative resistance): one-sided where a resistance sits at zero.
        double Sse(double w, double b) => Residual(design, transfer, irDrop, Math.Max(w, 0), Math.Max(b, 0)).SumSquares;
        var hw = step;
        var hb = step;
        var w0 = Math.Max(word, hw);
        var b0 = Math.Max(bit, hb);
        var center = (w0 == word && b0 == bit) ? best.SumSquares : Sse(w0, b0);
        var hww = (Sse(w0 + hw, b0) - (2 * center) + Sse(w0 - hw, b0)) / (hw * hw);
        var hbb = (Sse(w0, b0 + hb) - (2 * center) + Sse(w0, b0 - hb)) / (hb * hb);
        var hwb = (Sse(w0 + hw, b0 + hb) - Sse(w0 + hw, b0 - hb) - Sse(w0 - hw, b0 + hb) + Sse(w0 - hw, b0 - hb)) / (4 * hw * hb);
        var determinant = (hww * hbb) - (hwb * hwb);
        if (!(hww > 0 && hbb > 0 && determinant > 0))
        {
            return (double.PositiveInfinity, double.PositiveInfinity);
        }

        var variance = best.SumSquares / Math.Max(best.Count - 2, 1) * ((double)best.Count / Math.Max(best.Columns - 2, 1));
        return (Math.Sqrt(2 * variance * hbb / determinant), Math.Sqrt(2 * variance * hww / determinant));
    }

    /// <summary>The ir-drop and transfer sweeps against the candidate lines, with each column's read-out fitted on the
    /// transfer sweep under the same lines.</summary>
    internal static WireResidual Residual(ChipPreset design, ReadoutSweep transfer, IReadOnlyList<ReadoutSweep> irDrops, double word, double bit)
    {
        var rangeMac = design.Adc.RangeMac;
        var lsbMac = rangeMac / (1 << (design.Adc.Bits - 1));
        var wired = design with { Wires = new WireConfig { WordSegmentOhm = word, BitSegmentOhm = bit, UpdateToleranceLsb = 0 } };
        var columns = ColumnFit.Solve(transfer.Measured, transfer.Predict(wired), rangeMac, lsbMac, withBow: true);
        double squares = 0;
        long n = 0;
        foreach (var irDrop in irDrops)
        {
            var predicted = irDrop.Predict(wired);
            for (var s = 0; s < irDrop.Measured.Rows; s++)
            {
                for (var j = 0; j < irDrop.Measured.Cols; j++)
                {
                    var m = irDrop.Measured[s, j];
                    if (!double.IsNaN(m))
                    {
                        squares += Math.Pow(m - ColumnFit.Model(predicted[s, j], columns.Gain[j], columns.OffsetMac[j], columns.InlPeakLsb[j], rangeMac, lsbMac), 2);
                        n++;
                    }
                }
            }
        }

        var transferCount = columns.Count;
        var transferSquares = columns.ResidualRmsMac * columns.ResidualRmsMac * transferCount;
        var columnCount = (irDrops.Count + 1) * transfer.Measured.Cols;
        return new WireResidual(squares + transferSquares, n + transferCount, columnCount);
    }

    public static ColumnFit Columns(ChipPreset design, ReadoutSweep transfer)
    {
        var rangeMac = design.Adc.RangeMac;
        return ColumnFit.Solve(transfer.Measured, transfer.Predict(design), rangeMac, rangeMac / (1 << (design.Adc.Bits - 1)), withBow: true);
    }

    private static double Golden(Func<double, double> f, double low, double high, int steps)
    {
        var ratio = (Math.Sqrt(5) - 1) / 2;
        double a = low, b = high;
        var c = b - (ratio * (b - a));
        var d = a + (ratio * (b - a));
        double fc = f(c), fd = f(d);
        for (var k = 0; k < steps; k++)
        {
            if (fc < fd)
            {
                b = d;
                d = c;
                fd = fc;
                c = b - (ratio * (b - a));
                fc = f(c);
            }
            else
            {
                a = c;
                c = d;
                fc = fd;
                d = a + (ratio * (b - a));
                fd = f(d);
            }
        }

        var best = (a + b) / 2;
        // The low end is a candidate too: an ideal line (0 Ω) is a common answer the interior search only approaches.
        return low == 0 && f(low) <= f(best) ? low : best;
    }
}
