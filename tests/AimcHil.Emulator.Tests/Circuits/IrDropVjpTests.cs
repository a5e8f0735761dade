using AimcHil.Emulator.Circuits;

namespace AimcHil.Emulator.Tests.Circuits;

/// <summary>Specification of the IR-drop network's vector-Jacobian product against finite differences and closed forms.</summary>
public class IrDropVjpTests
{
    private const double Tolerance = 1e-13;

    public static TheoryData<int, int, double, double, double> Shapes()
    {
        var data = new TheoryData<int, int, double, double, double>();
        (int Rows, int Cols)[] shapes = [(1, 1), (2, 2), (3, 2), (5, 4), (8, 8)];
        foreach (var (rows, cols) in shapes)
        {
            foreach (var ohm in new[] { 1.0, 10.0 })
            {
                data.Add(rows, cols, 1e-6, ohm, ohm);
            }

            // One ideal wire family takes a separate closed path, and unequal segments catch a swapped r_w/r_b.
            data.Add(rows, cols, 1e-6, 10.0, 0.0);
            data.Add(rows, cols, 1e-6, 0.0, 10.0);
            data.Add(rows, cols, 1e-6, 1.0, 10.0);

            // At µS and ≤ 10 Ω dL/dG stays close to dL/dGeff, so millisiemens cells (G·r up to 0.25) make the IR-drop
            // part of the derivative dominate and be checked to the same relative tolerance.
            data.Add(rows, cols, 1e-3, 10.0, 10.0);
            data.Add(rows, cols, 1e-3, 10.0, 0.0);
            data.Add(rows, cols, 1e-3, 0.0, 10.0);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesCentralFiniteDifferencesOfTheLoss(int rows, int cols, double unitSiemens, double wordSegmentOhm, double bitSegmentOhm)
    {
        var random = new Random((rows * 131) + (cols * 17) + (int)(wordSegmentOhm * 7) + (int)bitSegmentOhm);
        var g = RandomConductance(random, rows, cols, unitSiemens);
        var gamma = RandomGradient(random, rows * cols);

        var vjp = IrDropNetwork.EffectiveConductanceVjp(g, rows, cols, wordSegmentOhm, bitSegmentOhm, gamma, Tolerance);

        // The dense reference keeps the check independent of the iterative solver both sides share.
        double Loss(double[] conductance) =>
            Dot(gamma, IrDropNetwork.SolveDense(conductance, rows, cols, wordSegmentOhm, bitSegmentOhm));

        var scale = 0.0;
        var expected = new double[g.Length];
        for (var n = 0; n < g.Length; n++)
        {
            var h = 1e-4 * g[n];
            var plus = (double[])g.Clone();
            var minus = (double[])g.Clone();
            plus[n] += h;
            minus[n] -= h;
            expected[n] = (Loss(plus) - Loss(minus)) / (2 * h);
            scale = Math.Max(scale, Math.Abs(expected[n]));
        }

        // Relative to each entry, with a floor at the largest entry for components that nearly cancel.
        for (var n = 0; n < g.Length; n++)
        {
            var error = Math.Abs(vjp[n] - expected[n]);
            Assert.True(
                error <= 1e-5 * Math.Max(Math.Abs(expected[n]), 1e-3 * scale),
                $"cell ({n / cols},{n % cols}): VJP {vjp[n]:R}, finite difference {expected[n]:R}");
        }
    }

    [Theory]
    [InlineData(5, 4, 1.0, 1.0)]
    [InlineData(8, 8, 10.0, 10.0)]
    public void AgreesWithFiniteDifferencesOfTheIterativeSolver(int rows, int cols, double wordSegmentOhm, double bitSegmentOhm)
    {
        var random = new Random(rows * cols);
        var g = RandomConductance(random, rows, cols);
        var gamma = RandomGradient(random, rows * cols);

        var vjp = IrDropNetwork.EffectiveConductanceVjp(g, rows, cols, wordSegmentOhm, bitSegmentOhm, gamma, Tolerance);

        double Loss(double[] conductance) =>
            Dot(gamma, IrDropNetwork.EffectiveConductance(conductance, rows, cols, wordSegmentOhm, bitSegmentOhm, Tolerance));

        var scale = vjp.Max(Math.Abs);
        for (var n = 0; n < g.Length; n++)
        {
            var h = 1e-4 * g[n];
            var plus = (double[])g.Clone();
            var minus = (double[])g.Clone();
            plus[n] += h;
            minus[n] -= h;
            var expected = (Loss(plus) - Loss(minus)) / (2 * h);
            Assert.True(
                Math.Abs(vjp[n] - expected) <= 1e-5 * Math.Max(Math.Abs(expected), 1e-3 * scale),
                $"cell ({n / cols},{n % cols}): VJP {vjp[n]:R}, finite difference {expected:R}");
        }
    }

    [Fact]
    public void ZeroWireResistanceIsTheIdentity()
    {
        var random = new Random(3);
        var g = RandomConductance(random, 4, 3);
        var gamma = RandomGradient(random, 12);

        var vjp = IrDropNetwork.EffectiveConductanceVjp(g, 4, 3, 0, 0, gamma);

        Assert.Equal(gamma, vjp);
    }

    [Theory]
    [InlineData(50e-6, 3.0, 7.0)]
    [InlineData(1e-3, 10.0, 10.0)]
    [InlineData(2e-6, 0.0, 4.0)]
    [InlineData(2e-6, 4.0, 0.0)]
    public void SingleCellDerivativeIsTheSeriesFormula(double conductanceSiemens, double wordSegmentOhm, double bitSegmentOhm)
    {
        // Geff = 1/(1/G + r_w + r_b), so dGeff/dG = Geff²/G².
        var effective = 1 / ((1 / conductanceSiemens) + wordSegmentOhm + bitSegmentOhm);
        var expected = 2.5 * (effective / conductanceSiemens) * (effective / conductanceSiemens);

        var vjp = IrDropNetwork.EffectiveConductanceVjp([conductanceSiemens], 1, 1, wordSegmentOhm, bitSegmentOhm, [2.5], Tolerance);

        Assert.Equal(expected, vjp[0], expected * 1e-12);
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(10.0, 0.0)]
    [InlineData(0.0, 10.0)]
    public void IsLinearInTheOutputGradient(double wordSegmentOhm, double bitSegmentOhm)
    {
        const int rows = 6;
        const int cols = 5;
        var random = new Random(11);
        var g = RandomConductance(random, rows, cols);
        var first = RandomGradient(random, rows * cols);
        var second = RandomGradient(random, rows * cols);
        var combined = first.Zip(second, (a, b) => (2 * a) - (3 * b)).ToArray();

        var vjpFirst = IrDropNetwork.EffectiveConductanceVjp(g, rows, cols, wordSegmentOhm, bitSegmentOhm, first, Tolerance);
        var vjpSecond = IrDropNetwork.EffectiveConductanceVjp(g, rows, cols, wordSegmentOhm, bitSegmentOhm, second, Tolerance);
        var vjpCombined = IrDropNetwork.EffectiveConductanceVjp(g, rows, cols, wordSegmentOhm, bitSegmentOhm, combined, Tolerance);

        var scale = vjpCombined.Max(Math.Abs);
        for (var n = 0; n < g.Length; n++)
        {
            Assert.Equal((2 * vjpFirst[n]) - (3 * vjpSecond[n]), vjpCombined[n], 1e-11 * scale);
        }
    }

    [Fact]
    public void ZeroOutputGradientGivesZeroAndMismatchedLengthIsRejected()
    {
        var g = RandomConductance(new Random(5), 3, 3);

        Assert.All(IrDropNetwork.EffectiveConductanceVjp(g, 3, 3, 1, 1, new double[9]), value => Assert.Equal(0.0, value));
        Assert.Throws<ArgumentException>(() => IrDropNetwork.EffectiveConductanceVjp(g, 3, 3, 1, 1, new double[8]));
    }

    private static double[] RandomConductance(Random random, int rows, int cols, double unitSiemens = 1e-6) =>
        Enumerable.Range(0, rows * cols).Select(_ => (1 + (24 * random.NextDouble())) * unitSiemens).ToArray();

    private static double[] RandomGradient(Random random, int length) =>
        Enumerable.Range(0, length).Select(_ => (2 * random.NextDouble()) - 1).ToArray();

    private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();
}
