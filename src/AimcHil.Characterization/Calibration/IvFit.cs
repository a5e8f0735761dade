using AimcHil.Core;
using AimcHil.Emulator;

namespace AimcHil.Characterization.Calibration;

/// <summary>The devices' I–V bend I = G·V·(1 + a₂|V| + a₃V²) from the transfer sweeps of a current-domain chip: every
/// row driven with one code swept over the DAC range, so each column follows its gain times the bent input.</summary>
/// <remarks>The prediction is affine in (a₂, a₃) (the emulator bends the inputs, and the network after them is
/// linear), so three predictions span it. The fit alternates the columns' gain, offset and ADC bow at the current
/// bend with the bend by linear least squares at those columns. The ADC bow is even in the input and the I–V terms
/// odd, so the two do not trade; a common gain is what all columns share and stays in the column gains.</remarks>
internal static class IvFit
{
    private const int Passes = 10;

    public static IvEstimate Fit(ChipPreset design, IReadOnlyList<ReadoutSweep> sweeps)
    {
        var rangeMac = design.Adc.RangeMac;
        var lsbMac = rangeMac / (1 << (design.Adc.Bits - 1));
        var bases = sweeps.Select(s =>
        {
            var p0 = s.Predict(With(design, 0, 0));
            return (Sweep: s, P0: p0, P2: Minus(s.Predict(With(design, 1, 0)), p0), P3: Minus(s.Predict(With(design, 0, 1)), p0));
        }).ToArray();
        // Variable projection: at given (a₂, a₃) every column's gain, offset and bow is a closed-form fit, so the
        // residual is a function of the bend alone, minimized by Gauss–Newton with a finite-difference Jacobian.
        // (Alternating the columns and the bend crawls: the cubic term and the gain are nearly collinear.)
        double a2 = 0, a3 = 0;
        const double Step = 1e-3;
        double[] r0 = [];
        double[,] normal = new double[2, 2];
        for (var pass = 0; pass < Passes; pass++)
        {
            r0 = Residuals(bases, a2, a3, rangeMac, lsbMac);
            var r2 = Residuals(bases, a2 + Step, a3, rangeMac, lsbMac);
            var r3 = Residuals(bases, a2, a3 + Step, rangeMac, lsbMac);
            normal = new double[2, 2];
            var right = new double[2];
            for (var k = 0; k < r0.Length; k++)
            {
                double u = (r2[k] - r0[k]) / Step, w = (r3[k] - r0[k]) / Step;
                normal[0, 0] += u * u;
                normal[0, 1] += u * w;
                normal[1, 1] += w * w;
                right[0] -= u * r0[k];
                right[1] -= w * r0[k];
            }

            var determinant = (normal[0, 0] * normal[1, 1]) - (normal[0, 1] * normal[0, 1]);
            var d2 = ((normal[1, 1] * right[0]) - (normal[0, 1] * right[1])) / determinant;
            var d3 = ((normal[0, 0] * right[1]) - (normal[0, 1] * right[0])) / determinant;
            a2 += d2;
            a3 += d3;
            if (Math.Abs(d2) < 1e-4 && Math.Abs(d3) < 1e-4)
            {
                break;
            }
        }

        r0 = Residuals(bases, a2, a3, rangeMac, lsbMac);
        var squares = r0.Sum(v => v * v);
        long count = r0.Length;
        var columns = bases.Sum(b => (long)b.Sweep.Measured.Cols);

        // Readings of one column share its devices' errors: the columns are the independent units (as for the lines).
        var det = (normal[0, 0] * normal[1, 1]) - (normal[0, 1] * normal[0, 1]);
        var variance = squares / Math.Max(count - 2, 1) * ((double)count / Math.Max(columns - 2, 1));
        return new IvEstimate(a2, a3, Math.Sqrt(variance * normal[1, 1] / det), Math.Sqrt(variance * normal[0, 0] / det), Math.Sqrt(squares / Math.Max(count, 1)));
    }

    /// <summary>Every unsaturated reading's residual under the bend (a₂, a₃), each column's read-out fitted to it.</summary>
    private static double[] Residuals((ReadoutSweep Sweep, Grid<double> P0, Grid<double> P2, Grid<double> P3)[] bases, double a2, double a3, double rangeMac, double lsbMac)
    {
        var residuals = new List<double>();
        foreach (var (sweep, p0, p2, p3) in bases)
        {
            var measured = sweep.Measured;
            var predicted = Combine(p0, p2, p3, a2, a3);
            var fit = ColumnFit.Solve(measured, predicted, rangeMac, lsbMac, withBow: true);
            for (var s = 0; s < measured.Rows; s++)
            {
                for (var j = 0; j < measured.Cols; j++)
                {
                    var m = measured[s, j];
                    if (!double.IsNaN(m))
                    {
                        residuals.Add(m - ColumnFit.Model(predicted[s, j], fit.Gain[j], fit.OffsetMac[j], fit.InlPeakLsb[j], rangeMac, lsbMac));
                    }
                }
            }
        }

        return [.. residuals];
    }

    /// <summary>The design with the device bend (a₂, a₃) switched on.</summary>
    public static ChipPreset With(ChipPreset design, double a2PerVolt, double a3PerVoltSquared) => design with
    {
        Rram = design.Rram! with { IvNonLinearity = a2PerVolt != 0 || a3PerVoltSquared != 0, IvA2PerVolt = a2PerVolt, IvA3PerVoltSquared = a3PerVoltSquared },
    };

    private static Grid<double> Combine(Grid<double> p0, Grid<double> p2, Grid<double> p3, double a2, double a3)
    {
        var result = new Grid<double>(p0.Rows, p0.Cols);
        for (var k = 0; k < result.Data.Length; k++)
        {
            result.Data[k] = p0.Data[k] + (a2 * p2.Data[k]) + (a3 * p3.Data[k]);
        }

        return result;
    }

    private static Grid<double> Minus(Grid<double> a, Grid<double> b)
    {
        var result = new Grid<double>(a.Rows, a.Cols);
        for (var k = 0; k < result.Data.Length; k++)
        {
            result.Data[k] = a.Data[k] - b.Data[k];
        }

        return result;
    }
}
