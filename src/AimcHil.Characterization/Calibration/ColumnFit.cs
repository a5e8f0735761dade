using AimcHil.Core;

namespace AimcHil.Characterization.Calibration;

/// <summary>Per-column gain, offset and ADC bow of a tile: measured MAC = v + peak·LSB·(1 − (v/R)²) with v = gain·p +
/// offset, p the read-out-free prediction, R the ADC range in MAC, by least squares over the unsaturated drives.</summary>
internal sealed record ColumnFit(double[] Gain, double[] OffsetMac, double[] InlPeakLsb, double ResidualRmsMac, long Count)
{
    public static ColumnFit Solve(Grid<double> measured, Grid<double> predicted, double rangeMac, double lsbMac, bool withBow)
    {
        var cols = measured.Cols;
        var gain = new double[cols];
        var offset = new double[cols];
        var peak = new double[cols];
        double squares = 0;
        long count = 0;
        for (var j = 0; j < cols; j++)
        {
            var (g, o, c) = (1.0, 0.0, 0.0);
            for (var pass = 0; pass < (withBow ? 3 : 1); pass++)
            {
                // Normal equations of m = g·p + o + c·B, B = LSB·(1 − (v/R)²) at the current v.
                var ata = new double[3, 3];
                var atb = new double[3];
                var n = 0;
                for (var s = 0; s < measured.Rows; s++)
                {
                    var m = measured[s, j];
                    if (double.IsNaN(m))
                    {
                        continue;
                    }

                    var p = predicted[s, j];
                    var v = (g * p) + o;
                    double[] basis = [p, 1, withBow ? lsbMac * (1 - Math.Min(v * v / (rangeMac * rangeMac), 1)) : 0];
                    for (var a = 0; a < 3; a++)
                    {
                        atb[a] += basis[a] * m;
                        for (var b = 0; b < 3; b++)
                        {
                            ata[a, b] += basis[a] * basis[b];
                        }
                    }

                    n++;
                }

                if (n < 3)
                {
                    throw new AimcException($"column {j} has {n} unsaturated drives: the sweep cannot fit its gain and offset (measure transfer with more cells per column or finer steps)");
                }

                if (!withBow)
                {
                    ata[2, 2] = 1;
                }

                (g, o, c) = Solve3(ata, atb);
            }

            gain[j] = g;
            offset[j] = o;
            peak[j] = c;
            for (var s = 0; s < measured.Rows; s++)
            {
                if (!double.IsNaN(measured[s, j]))
                {
                    squares += Math.Pow(measured[s, j] - Model(predicted[s, j], g, o, c, rangeMac, lsbMac), 2);
                    count++;
                }
            }
        }

        return new ColumnFit(gain, offset, peak, Math.Sqrt(squares / Math.Max(count, 1)), count);
    }

    public static double Model(double predicted, double gain, double offset, double peak, double rangeMac, double lsbMac)
    {
        var v = (gain * predicted) + offset;
        return v + (peak * lsbMac * (1 - Math.Min(v * v / (rangeMac * rangeMac), 1)));
    }

    private static (double, double, double) Solve3(double[,] a, double[] b)
    {
        var m = (double[,])a.Clone();
        var r = (double[])b.Clone();
        for (var k = 0; k < 3; k++)
        {
            var pivot = k;
            for (var i = k + 1; i < 3; i++)
            {
                if (Math.Abs(m[i, k]) > Math.Abs(m[pivot, k]))
                {
                    pivot = i;
                }
            }

            for (var c = 0; c < 3; c++)
            {
                (m[k, c], m[pivot, c]) = (m[pivot, c], m[k, c]);
            }

            (r[k], r[pivot]) = (r[pivot], r[k]);
            for (var i = k + 1; i < 3; i++)
            {
                var f = m[i, k] / m[k, k];
                for (var c = k; c < 3; c++)
                {
                    m[i, c] -= f * m[k, c];
                }

                r[i] -= f * r[k];
            }
        }

        var x = new double[3];
        for (var k = 2; k >= 0; k--)
        {
            var s = r[k];
            for (var c = k + 1; c < 3; c++)
            {
                s -= m[k, c] * x[c];
            }

            x[k] = s / m[k, k];
        }

        return (x[0], x[1], x[2]);
    }
}
