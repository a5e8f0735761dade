using AimcHil.Emulator.Circuits;

namespace AimcHil.Emulator.Tests.Circuits;

/// <summary>Specification of the line-relaxation IR-drop solver on the conducting cells: the dense reference on small
/// tiles (off cells, stuck-off cells, empty lines, extreme wire-to-device ratios, the conjugate-gradient fallback),
/// Kirchhoff's current law at every node of a realistic 256×512 tile, and its VJP against finite differences.</summary>
public class LineRelaxationTests
{
    private const double Tight = 1e-12;

    public static TheoryData<int, int, double, double, int> SmallTiles() => new()
    {
        // rows, pair columns, word Ω, bit Ω, seed: realistic ratios, unequal families, a tall and a wide tile.
        { 8, 6, 0.3, 0.3, 1 },
        { 9, 4, 3.0, 7.0, 2 },
        { 17, 3, 10.0, 1.0, 3 },
        { 4, 19, 1.0, 10.0, 4 },
    };

    [Theory]
    [MemberData(nameof(SmallTiles))]
    public void DifferentialPairTileMatchesTheDenseReference(int rows, int pairs, double wordSegmentOhm, double bitSegmentOhm, int seed)
    {
        // Every pair has one device at 0 S, so half the nodes drop out of the relaxed network.
        var g = DifferentialPairs(rows, pairs, 25e-6, seed);

        var fast = IrDropNetwork.EffectiveConductance(g, rows, 2 * pairs, wordSegmentOhm, bitSegmentOhm, out var report, Tight);

        Assert.Equal(0, report.FallbackBlocks);
        Assert.Equal(g.Count(value => value > 0), report.ConductingCells);
        AssertMatchesDense(g, rows, 2 * pairs, wordSegmentOhm, bitSegmentOhm, fast, 1e-10);
    }

    [Fact]
    public void StuckOffCellsAndEmptyLinesMatchTheDenseReference()
    {
        const int rows = 11;
        const int cols = 9;
        var g = Uniform(rows * cols, 1e-6, 100e-6, 7);
        StickOff(g, 0.3, 8);
        for (var j = 0; j < cols; j++)
        {
            g[(4 * cols) + j] = 0;
        }

        for (var i = 0; i < rows; i++)
        {
            g[(i * cols) + 6] = 0;

            // Column 2 keeps only its top cell, so most of that bit line runs below its last conducting cell.
            g[(i * cols) + 2] = i == 0 ? 50e-6 : 0;
        }

        var fast = IrDropNetwork.EffectiveConductance(g, rows, cols, 2, 5, Tight);

        // A word line without a conducting cell drives nothing; a bit line without one senses nothing.
        Assert.All(Enumerable.Range(0, cols), j => Assert.Equal(0.0, fast[(4 * cols) + j]));
        Assert.All(Enumerable.Range(0, rows), i => Assert.Equal(0.0, fast[(i * cols) + 6]));
        AssertMatchesDense(g, rows, cols, 2, 5, fast, 1e-10);
    }

    [Fact]
    public void AllCellsOffGivesZero()
    {
        var fast = IrDropNetwork.EffectiveConductance(new double[6 * 5], 6, 5, 1, 1, out var report);

        Assert.All(fast, value => Assert.Equal(0.0, value));
        Assert.Equal(0, report.ConductingCells);
    }

    public static TheoryData<double, double, double, double> ExtremeRatios()
    {
        var data = new TheoryData<double, double, double, double>();
        foreach (var wordOhm in new[] { 1e-3, 1.0, 100.0 })
        {
            foreach (var bitOhm in new[] { 1e-3, 100.0 })
            {
                data.Add(wordOhm, bitOhm, 1e-6, 10e-6);
                data.Add(wordOhm, bitOhm, 1e-3, 10e-3);
            }
        }

        data.Add(1e-3, 1e-3, 1e-6, 10e-3);
        data.Add(100.0, 100.0, 1e-6, 10e-3);
        return data;
    }

    [Theory]
    [MemberData(nameof(ExtremeRatios))]
    public void ExtremeWireToDeviceRatiosMatchTheDenseReference(double wordSegmentOhm, double bitSegmentOhm, double lowSiemens, double highSiemens)
    {
        const int rows = 10;
        const int cols = 12;
        var g = LogUniform(rows * cols, lowSiemens, highSiemens, 11);
        StickOff(g, 0.2, 12);

        var fast = IrDropNetwork.EffectiveConductance(g, rows, cols, wordSegmentOhm, bitSegmentOhm, Tight);

        AssertMatchesDense(g, rows, cols, wordSegmentOhm, bitSegmentOhm, fast, 1e-10);
    }

    [Fact]
    public void StronglyCoupledTileFallsBackToConjugateGradientsAndStillMatches()
    {
        // 100 Ω segments under 10 mS devices: G·r = 1 per cell, so relaxation would contract by little per sweep.
        const int rows = 12;
        const int cols = 10;
        var g = Uniform(rows * cols, 1e-3, 10e-3, 13);

        var fast = IrDropNetwork.EffectiveConductance(g, rows, cols, 100, 100, out var report, Tight);

        Assert.True(report.FallbackBlocks > 0, report.Method);
        Assert.True(report.ConjugateGradientSweeps > 0);
        Assert.Contains("conjugate gradients", report.Method);
        AssertMatchesDense(g, rows, cols, 100, 100, fast, 1e-10);
    }

    [Fact]
    public void ToleranceBelowTheFloatingPointFloorIsReportedNotLoopedOn()
    {
        // Relaxation's corrections stop shrinking at the floor, it hands over, and the conjugate gradients report the stall.
        var g = DifferentialPairs(20, 10, 25e-6, 21);

        var error = Assert.Throws<InvalidOperationException>(() => IrDropNetwork.EffectiveConductance(g, 20, 20, 1, 1, tolerance: 1e-17));

        Assert.Contains("did not converge", error.Message);
    }

    [Fact]
    public void ReportCountsEverySweepsFlops()
    {
        const int rows = 20;
        var g = DifferentialPairs(rows, 7, 25e-6, 14);

        IrDropNetwork.EffectiveConductance(g, rows, 14, 0.3, 0.3, out var report, 1e-8);

        // Each block eliminates once per sweep, the first without word ladders (w = 0), and substitutes after every
        // sweep but its last.
        var lanes = LineRelaxation.Lanes;
        var eliminations = (LineRelaxation.EliminationFlops * report.RelaxationSweeps) - (LineRelaxation.WordLadderFlops * report.Blocks);
        var expected = lanes * (double)report.ConductingCells
            * (eliminations + (LineRelaxation.SubstitutionFlops * (report.RelaxationSweeps - report.Blocks)));
        Assert.Equal((rows + lanes - 1) / lanes, report.Blocks);
        Assert.Equal(expected, report.Flops);
        Assert.StartsWith("line relaxation", report.Method);
    }

    [Fact]
    public void RealisticTileSatisfiesKirchhoffAtEveryNode()
    {
        // fmnist-hil-1: 256 rows × 256 weights as differential pairs, 25 µS full scale, 0.3 Ω per segment.
        const int rows = 256;
        const int cols = 512;
        const double segmentOhm = 0.3;
        const double tolerance = 1e-10;
        var g = DifferentialPairs(rows, cols / 2, 25e-6, 15);
        var network = new ConductingCellNetwork(g, rows, cols, segmentOhm, segmentOhm);
        var relaxation = new LineRelaxation(network);
        const int firstInput = 120;

        Assert.Equal(LineRelaxation.Outcome.Converged, relaxation.SolveUnitInputs(firstInput, tolerance, 100, wholeTile: true));
        var effective = IrDropNetwork.EffectiveConductance(g, rows, cols, segmentOhm, segmentOhm, tolerance);

        var worstNode = 0.0;
        var worstOutput = 0.0;
        for (var lane = 0; lane < LineRelaxation.Lanes; lane++)
        {
            var input = firstInput + lane;
            var bit = FullBitVoltages(g, rows, cols, relaxation.Voltage, lane);
            var word = WordVoltages(g, rows, cols, segmentOhm, bit, input);
            worstNode = Math.Max(worstNode, WorstKirchhoffResidual(g, rows, cols, segmentOhm, word, bit, input));
            for (var j = 0; j < cols; j++)
            {
                // The sensed current is the last segment's current and, by KCL over the bit line, all its devices' current.
                var sensed = bit[((rows - 1) * cols) + j] / segmentOhm;
                var devices = 0.0;
                for (var i = 0; i < rows; i++)
                {
                    devices += g[(i * cols) + j] * (word[(i * cols) + j] - bit[(i * cols) + j]);
                }

                var geff = effective[(input * cols) + j];
                worstOutput = Math.Max(worstOutput, Math.Max(Math.Abs(sensed - geff), Math.Abs(devices - geff)) / Math.Abs(geff));
            }
        }

        // Net current at every node against the driver's (the largest in the tile) measured 4e-13 at tolerance 1e-10, and
        // every sensed current is the sum of its bit line's device currents to 4e-12 of itself.
        Assert.True(worstNode < 1e-10, $"worst nodal KCL residual {worstNode:E2}");
        Assert.True(worstOutput < 1e-10, $"worst output mismatch {worstOutput:E2}");
    }

    public static TheoryData<double, double, double> GradientCases() => new()
    {
        // unit siemens, word Ω, bit Ω: weak coupling, unequal families, and G·r = 1 (the conjugate-gradient fallback).
        { 25e-6, 0.3, 0.3 },
        { 100e-6, 10.0, 3.0 },
        { 1e-3, 1.0, 10.0 },
        { 10e-3, 100.0, 100.0 },
    };

    [Theory]
    [MemberData(nameof(GradientCases))]
    public void VjpWithOffCellsMatchesFiniteDifferencesOfTheDenseReference(double unitSiemens, double wordSegmentOhm, double bitSegmentOhm)
    {
        const int rows = 9;
        const int cols = 8;
        var g = DifferentialPairs(rows, cols / 2, unitSiemens, 16);
        StickOff(g, 0.1, 17);
        for (var i = 0; i < rows; i++)
        {
            g[(i * cols) + 5] = 0;
            g[(i * cols) + 3] = i == 1 ? unitSiemens : 0;
        }

        for (var j = 0; j < cols; j++)
        {
            g[(6 * cols) + j] = 0;
        }

        var random = new Random(18);
        var gamma = Enumerable.Range(0, g.Length).Select(_ => (2 * random.NextDouble()) - 1).ToArray();

        var vjp = IrDropNetwork.EffectiveConductanceVjp(g, rows, cols, wordSegmentOhm, bitSegmentOhm, gamma, out var report, Tight);

        double Loss(double[] conductance) =>
            IrDropNetwork.SolveDense(conductance, rows, cols, wordSegmentOhm, bitSegmentOhm).Zip(gamma, (a, b) => a * b).Sum();

        // G·r = 1 is the conjugate gradients' case; the others are relaxation's.
        Assert.Equal(unitSiemens * wordSegmentOhm >= 1, report.FallbackBlocks > 0);

        var expected = new double[g.Length];
        for (var n = 0; n < g.Length; n++)
        {
            expected[n] = g[n] > 0 ? CentralDifference(Loss, g, n, 1e-4 * g[n]) : OneSidedDifference(Loss, g, n, 1e-4 * unitSiemens);
        }

        var scale = expected.Max(Math.Abs);
        for (var n = 0; n < g.Length; n++)
        {
            Assert.True(
                Math.Abs(vjp[n] - expected[n]) <= 1e-5 * Math.Max(Math.Abs(expected[n]), 1e-3 * scale),
                $"cell ({n / cols},{n % cols}), G = {g[n]:E2} S: VJP {vjp[n]:R}, finite difference {expected[n]:R}");
        }
    }

    [Fact]
    public void VjpOfARealisticTileMatchesFiniteDifferencesAtSampledCells()
    {
        const int rows = 48;
        const int cols = 96;
        const double segmentOhm = 0.3;
        var g = DifferentialPairs(rows, cols / 2, 25e-6, 19);
        var random = new Random(20);
        var gamma = Enumerable.Range(0, g.Length).Select(_ => (2 * random.NextDouble()) - 1).ToArray();

        var vjp = IrDropNetwork.EffectiveConductanceVjp(g, rows, cols, segmentOhm, segmentOhm, gamma, out var report, Tight);

        double Loss(double[] conductance) =>
            IrDropNetwork.EffectiveConductance(conductance, rows, cols, segmentOhm, segmentOhm, Tight).Zip(gamma, (a, b) => a * b).Sum();

        Assert.Equal(0, report.FallbackBlocks);
        foreach (var n in Enumerable.Range(0, 24).Select(_ => random.Next(g.Length)))
        {
            var expected = g[n] > 0 ? CentralDifference(Loss, g, n, 1e-3 * g[n]) : OneSidedDifference(Loss, g, n, 1e-3 * 25e-6);
            Assert.True(
                Math.Abs(vjp[n] - expected) <= 1e-6 * Math.Max(Math.Abs(expected), 1e-2),
                $"cell ({n / cols},{n % cols}), G = {g[n]:E2} S: VJP {vjp[n]:R}, finite difference {expected:R}");
        }
    }

    /// <summary>Differential-pair conductances of uniform weights in [−1, 1]: G⁺ = unit·max(w, 0), G⁻ = unit·max(−w, 0).</summary>
    private static double[] DifferentialPairs(int rows, int pairs, double unitSiemens, int seed)
    {
        var random = new Random(seed);
        var g = new double[rows * 2 * pairs];
        for (var n = 0; n < rows * pairs; n++)
        {
            var weight = (2 * random.NextDouble()) - 1;
            g[2 * n] = unitSiemens * Math.Max(weight, 0);
            g[(2 * n) + 1] = unitSiemens * Math.Max(-weight, 0);
        }

        return g;
    }

    private static double[] Uniform(int count, double lowSiemens, double highSiemens, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => lowSiemens + ((highSiemens - lowSiemens) * random.NextDouble())).ToArray();
    }

    private static double[] LogUniform(int count, double lowSiemens, double highSiemens, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => lowSiemens * Math.Pow(highSiemens / lowSiemens, random.NextDouble())).ToArray();
    }

    private static void StickOff(double[] g, double fraction, int seed)
    {
        var random = new Random(seed);
        for (var n = 0; n < g.Length; n++)
        {
            if (random.NextDouble() < fraction)
            {
                g[n] = 0;
            }
        }
    }

    private static double CentralDifference(Func<double[], double> loss, double[] g, int n, double step)
    {
        var plus = (double[])g.Clone();
        var minus = (double[])g.Clone();
        plus[n] += step;
        minus[n] -= step;
        return (loss(plus) - loss(minus)) / (2 * step);
    }

    /// <summary>Second-order one-sided difference at a cell that cannot go below 0 S: (−3L(0) + 4L(h) − L(2h))/(2h).</summary>
    private static double OneSidedDifference(Func<double[], double> loss, double[] g, int n, double step)
    {
        var once = (double[])g.Clone();
        var twice = (double[])g.Clone();
        once[n] += step;
        twice[n] += 2 * step;
        return ((-3 * loss(g)) + (4 * loss(once)) - loss(twice)) / (2 * step);
    }

    /// <summary>Within <paramref name="relative"/> of the dense LU, each output against the larger of itself and 1e-6 of its
    /// input's largest (the solver's documented floor).</summary>
    private static void AssertMatchesDense(double[] g, int rows, int cols, double wordSegmentOhm, double bitSegmentOhm, double[] actual, double relative)
    {
        var dense = IrDropNetwork.SolveDense(g, rows, cols, wordSegmentOhm, bitSegmentOhm);
        for (var i = 0; i < rows; i++)
        {
            var largest = Enumerable.Range(0, cols).Max(j => Math.Abs(dense[(i * cols) + j]));
            for (var j = 0; j < cols; j++)
            {
                var n = (i * cols) + j;
                var error = Math.Abs(actual[n] - dense[n]);
                Assert.True(
                    error <= relative * Math.Max(Math.Abs(dense[n]), 1e-6 * largest),
                    $"Geff[{i},{j}] = {actual[n]:R}, dense {dense[n]:R} (relative {error / Math.Abs(dense[n]):E2})");
            }
        }
    }

    /// <summary>Every bit node's voltage for one lane: the solver's value on conducting cells, and between them the series
    /// wire's straight line (flat above the first, to 0 V one segment past the last row below the last).</summary>
    private static double[] FullBitVoltages(double[] g, int rows, int cols, double[] cellVoltages, int lane)
    {
        var cellIndex = new int[g.Length];
        var count = 0;
        for (var n = 0; n < g.Length; n++)
        {
            cellIndex[n] = g[n] > 0 ? count++ : -1;
        }

        var bit = new double[g.Length];
        for (var j = 0; j < cols; j++)
        {
            var known = Enumerable.Range(0, rows).Where(i => g[(i * cols) + j] > 0)
                .Select(i => (Row: (double)i, Volts: cellVoltages[(cellIndex[(i * cols) + j] * LineRelaxation.Lanes) + lane]))
                .Append((Row: rows, Volts: 0.0))
                .ToArray();
            var below = 0;
            for (var i = 0; i < rows; i++)
            {
                while (known[below].Row < i)
                {
                    below++;
                }

                var (lowRow, lowVolts) = known[below];
                var (highRow, highVolts) = below > 0 ? known[below - 1] : known[below];
                bit[(i * cols) + j] = lowRow == highRow ? lowVolts : highVolts + ((i - highRow) / (lowRow - highRow) * (lowVolts - highVolts));
            }
        }

        return bit;
    }

    /// <summary>Word voltages of unit input <paramref name="input"/> given every bit voltage: one tridiagonal solve per word line.</summary>
    private static double[] WordVoltages(double[] g, int rows, int cols, double segmentOhm, double[] bit, int input)
    {
        var wire = 1 / segmentOhm;
        var word = new double[g.Length];
        var upper = new double[cols];
        var rhs = new double[cols];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                var n = (i * cols) + j;
                var diagonal = g[n] + wire + (j + 1 < cols ? wire : 0);
                var source = (g[n] * bit[n]) + (j == 0 && i == input ? wire : 0);
                var pivot = diagonal - (j > 0 ? wire * upper[j - 1] : 0);
                upper[j] = wire / pivot;
                rhs[j] = (source + (j > 0 ? wire * rhs[j - 1] : 0)) / pivot;
            }

            for (var j = cols - 1; j >= 0; j--)
            {
                word[(i * cols) + j] = rhs[j] + (j + 1 < cols ? upper[j] * word[(i * cols) + j + 1] : 0);
            }
        }

        return word;
    }

    /// <summary>Largest |net current| at any word or bit node, over the largest current through any node of the tile (the
    /// driver's wire segment): a node-by-node ratio would divide rounding by nothing at a dangling line end.</summary>
    private static double WorstKirchhoffResidual(double[] g, int rows, int cols, double segmentOhm, double[] word, double[] bit, int input)
    {
        var wire = 1 / segmentOhm;
        var worst = 0.0;
        var largest = 0.0;
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                var n = (i * cols) + j;
                var device = g[n] * (word[n] - bit[n]);
                double[] wordCurrents =
                [
                    -device,
                    wire * ((j > 0 ? word[n - 1] : i == input ? 1 : 0) - word[n]),
                    j + 1 < cols ? wire * (word[n + 1] - word[n]) : 0,
                ];
                double[] bitCurrents =
                [
                    device,
                    i > 0 ? wire * (bit[n - cols] - bit[n]) : 0,
                    wire * ((i + 1 < rows ? bit[n + cols] : 0) - bit[n]),
                ];
                worst = Math.Max(worst, Math.Max(Math.Abs(wordCurrents.Sum()), Math.Abs(bitCurrents.Sum())));
                largest = Math.Max(largest, Math.Max(wordCurrents.Max(Math.Abs), bitCurrents.Max(Math.Abs)));
            }
        }

        return worst / largest;
    }
}
