using AimcHil.Emulator.Devices;

namespace AimcHil.Emulator.Domains;

/// <summary>The compute view of a resistive-division tile whose devices have a non-linear I–V curve: each floating bit
/// line settles where its devices' currents and its load's balance, which is no longer a matrix product.</summary>
/// <remarks>
/// Per bit line and input vector, with device conductances Gᵢ (small-signal), word-line voltages Vᵢ and a linear load
/// G_L to 0 V, the node voltage V_out solves Σᵢ Gᵢ·f(Vᵢ − V_out) − G_L·V_out = 0 with f(V) = V·(1 + a₂|V| + a₃V²).
/// Normalized to g_max and V_read (gᵢ = Gᵢ/g_max, xᵢ = Vᵢ/V_read, u = V_out/V_read) it reads
/// Σᵢ gᵢ·h(xᵢ − u) − g_L·u = 0 with h(d) = d·(1 + a₂V_read|d| + a₃V_read²d²). The left side falls monotonically in u
/// while h rises, and its root lies between min(0, minᵢ xᵢ) and max(0, maxᵢ xᵢ) (every term has one sign at either
/// end), so Newton's method from the linear solution, kept inside that bracket by bisection, finds it. Rows beyond the
/// driven inputs sit at 0 V and still conduct. The output of a pair is (u⁺ − u⁻)·<see cref="OutputScale"/> in
/// conversion units, as the linear build's; <see cref="LinearCore.Weights"/> keep the small-signal weights.
/// </remarks>
internal sealed class NonLinearDividerCore : LinearCore
{
    /// <summary>Newton stops once a step moves the node by less than this, in units of the read voltage.</summary>
    public const double Tolerance = 1e-9;

    private const int MaxIterations = 100;

    private readonly double _b2;
    private readonly double _b3;

    public NonLinearDividerCore(int rows, int conversions, IvNonLinearity curve, double readVolts, double outputScale)
        : base(rows, conversions)
    {
        _b2 = curve.A2PerVolt * readVolts;
        _b3 = curve.A3PerVoltSquared * readVolts * readVolts;
        OutputScale = outputScale;
        Conductance = [new double[rows * conversions], new double[rows * conversions]];
        Load = [new double[conversions], new double[conversions]];
    }

    /// <summary>Conversion units per unit of (u⁺ − u⁻), the pair's node voltages in units of the read voltage.</summary>
    public double OutputScale { get; }

    /// <summary>Per side of the pair (G⁺, G⁻): device conductances in units of g_max, column by column
    /// (index conversion·Rows + row).</summary>
    public double[][] Conductance { get; }

    /// <summary>Per side of the pair: each bit line's load conductance to 0 V, in units of g_max.</summary>
    public double[][] Load { get; }

    protected override void Transfer(ReadOnlySpan<float> features, int batch, int rows, Span<float> output)
    {
        var x = new double[Rows];
        for (var s = 0; s < batch; s++)
        {
            var driven = features.Slice(s * rows, rows);
            for (var i = 0; i < rows; i++)
            {
                x[i] = driven[i];
            }

            // Rows not driven by this MVM stay at 0 V (x beyond rows is left at zero).
            double lo = 0, hi = 0;
            for (var i = 0; i < rows; i++)
            {
                lo = Math.Min(lo, x[i]);
                hi = Math.Max(hi, x[i]);
            }

            for (var c = 0; c < Conversions; c++)
            {
                var plus = NodeVoltage(Conductance[0].AsSpan(c * Rows, Rows), Load[0][c], x, lo, hi);
                var minus = NodeVoltage(Conductance[1].AsSpan(c * Rows, Rows), Load[1][c], x, lo, hi);
                output[(s * Conversions) + c] = (float)((plus - minus) * OutputScale);
            }
        }

        AddSlowNoise(features, batch, rows, output);
    }

    /// <summary>The root u of Σᵢ gᵢ·h(xᵢ − u) − g_L·u = 0 (all in units of g_max and V_read) within [lo, hi].</summary>
    public double NodeVoltage(ReadOnlySpan<double> conductance, double load, ReadOnlySpan<double> x, double lo, double hi)
    {
        double total = load, weighted = 0;
        for (var i = 0; i < conductance.Length; i++)
        {
            total += conductance[i];
            weighted += conductance[i] * x[i];
        }

        if (total == 0)
        {
            // Nothing connects the node: the linear build reads 0 there too.
            return 0;
        }

        var u = weighted / total;
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            double residual = -load * u, slope = load;
            for (var i = 0; i < conductance.Length; i++)
            {
                var g = conductance[i];
                if (g == 0)
                {
                    continue;
                }

                var d = x[i] - u;
                var magnitude = Math.Abs(d);
                residual += g * d * (1 + (_b2 * magnitude) + (_b3 * d * d));
                slope += g * (1 + (2 * _b2 * magnitude) + (3 * _b3 * d * d));
            }

            // The residual falls as u rises (slope is its negated derivative): keep the root bracketed.
            if (residual > 0)
            {
                lo = u;
            }
            else if (residual < 0)
            {
                hi = u;
            }
            else
            {
                return u;
            }

            var next = u + (residual / slope);
            if (!(next > lo && next < hi))
            {
                next = 0.5 * (lo + hi);
            }

            var step = Math.Abs(next - u);
            u = next;
            if (step <= Tolerance)
            {
                return u;
            }
        }

        return u;
    }
}
