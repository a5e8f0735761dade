using AimcHil.Core;
using AimcHil.Emulator;

namespace AimcHil.Characterization.Calibration;

/// <summary>Word- and bit-line segment resistance, then every column's gain, offset and ADC bow, from the transfer
/// sweeps (few cells per line: the read-out) and the ir-drop sweep (uniform weights: the lines loaded).</summary>
/// <remarks>For a candidate pair of resistances the emulator's own network predicts every drive; each column's gain
/// and offset are fitted on the transfer sweep of the ir-drop tile, and the resistances are the pair under which those
/// columns then also explain the ir-drop sweep. Golden-section search on each resistance in turn, two rounds.</remarks>
internal static class ReadoutFit
{
    private const int GoldenSteps = 16;

    public static (double WordOhm, double BitOhm, double ResidualMac) Wires(ChipPreset design, ReadoutSweep transfer, IReadOnlyList<ReadoutSweep> irDrop, double deviceFullScale)
    {
        double Objective(double word, double bit) => Residual(design, transfer, irDrop, word, bit);

        // A line whose r·G·cells² reaches ~10 would lose nearly all its signal: far past any chip worth measuring.
        var physicalCols = 2 * design.Cols;
        var maxOhm = 10.0 / (deviceFullScale * design.Rows * physicalCols);
        double word = 0, bit = 0;
        for (var round = 0; round < 2; round++)
        {
            word = Golden(r => Objective(r, bit), 0, maxOhm);
            bit = Golden(r => Objective(word, r), 0, maxOhm);
        }

        return (word, bit, Objective(word, bit));
    }

    /// <summary>RMS of the ir-drop sweep against the candidate lines, with each column's read-out fitted on the
    /// transfer sweep under the same lines.</summary>
    internal static double Residual(ChipPreset design, ReadoutSweep transfer, IReadOnlyList<ReadoutSweep> irDrops, double word, double bit)
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

        var transferSquares = columns.ResidualRmsMac * columns.ResidualRmsMac * transfer.Measured.Rows * transfer.Measured.Cols;
        return Math.Sqrt((squares + transferSquares) / Math.Max(n + (transfer.Measured.Rows * transfer.Measured.Cols), 1));
    }

    public static ColumnFit Columns(ChipPreset design, ReadoutSweep transfer)
    {
        var rangeMac = design.Adc.RangeMac;
        return ColumnFit.Solve(transfer.Measured, transfer.Predict(design), rangeMac, rangeMac / (1 << (design.Adc.Bits - 1)), withBow: true);
    }

    private static double Golden(Func<double, double> f, double low, double high)
    {
        var ratio = (Math.Sqrt(5) - 1) / 2;
        double a = low, b = high;
        var c = b - (ratio * (b - a));
        var d = a + (ratio * (b - a));
        double fc = f(c), fd = f(d);
        for (var k = 0; k < GoldenSteps; k++)
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
        // The ends are candidates too: an ideal line (0 Ω) is a common answer the interior search only approaches.
        return f(low) <= f(best) ? low : best;
    }
}
