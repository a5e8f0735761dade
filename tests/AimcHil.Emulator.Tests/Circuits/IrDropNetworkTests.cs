using AimcHil.Emulator.Circuits;

namespace AimcHil.Emulator.Tests.Circuits;

/// <summary>Specification of the IR-drop network against closed forms, a hand-solved 2×2 network and the dense reference.</summary>
public class IrDropNetworkTests
{
    [Theory]
    [InlineData(50e-6, 3.0, 7.0)]
    [InlineData(1e-3, 10.0, 10.0)]
    [InlineData(2e-6, 0.0, 4.0)]
    [InlineData(2e-6, 4.0, 0.0)]
    public void SingleCellIsTheDeviceInSeriesWithBothSegments(double conductanceSiemens, double wordSegmentOhm, double bitSegmentOhm)
    {
        var expected = 1 / ((1 / conductanceSiemens) + wordSegmentOhm + bitSegmentOhm);

        var fast = IrDropNetwork.EffectiveConductance([conductanceSiemens], 1, 1, wordSegmentOhm, bitSegmentOhm);
        var dense = IrDropNetwork.SolveDense([conductanceSiemens], 1, 1, wordSegmentOhm, bitSegmentOhm);

        AssertRelative([expected], fast, 1e-13);
        AssertRelative([expected], dense, 1e-13);
    }

    // 2×2 tile, every cell g = 1 mS, every segment 10 Ω, i.e. a wire conductance of 100·g. Row 0 is the top (far from
    // the sense amplifiers), column 0 the left (next to the drivers). Unknowns: word nodes U_ij, bit nodes W_ij. KCL at
    // every node, divided by g, with inputs V0 and V1:
    //   U00: 100(V0 − U00) + 100(U01 − U00) + (W00 − U00) = 0
    //   U01: 100(U00 − U01) + (W01 − U01) = 0
    //   U10: 100(V1 − U10) + 100(U11 − U10) + (W10 − U10) = 0
    //   U11: 100(U10 − U11) + (W11 − U11) = 0
    //   W00: 100(W10 − W00) + (U00 − W00) = 0                      (open top end)
    //   W01: 100(W11 − W01) + (U01 − W01) = 0
    //   W10: 100(W00 − W10) + 100(0 − W10) + (U10 − W10) = 0        (sense node at 0 V below)
    //   W11: 100(W01 − W11) + 100(0 − W11) + (U11 − W11) = 0
    // Exact rational solutions, all over D = 546106 = 2·11·103·241 (volts):
    //   V = (1, 0): U = (535653, 530452, 101, 151)/D, W = (10453, 10352, 5201, 5151)/D
    //   V = (0, 1): U = (101, 151, 535552, 530301)/D, W = (5201, 5151, 5252, 5201)/D
    // The sensed current is I_j = 100·g·W_1j, so Geff/g = 100·W_1j:
    //   Geff = g·[[520100, 515100], [525200, 520100]]/D = g·[[260050, 257550], [262600, 260050]]/273053
    // The test first re-checks that these voltages satisfy all eight equations, so the expected values stand on their
    // own, then compares both solvers with them. Geff00 = Geff11 because the tile is symmetric under swapping word and
    // bit lines (driver ↔ sense, top ↔ right).
    private const double D = 546106;

    private static readonly double[][] HandWordVoltages =
    [
        [535653 / D, 530452 / D, 101 / D, 151 / D],
        [101 / D, 151 / D, 535552 / D, 530301 / D],
    ];

    private static readonly double[][] HandBitVoltages =
    [
        [10453 / D, 10352 / D, 5201 / D, 5151 / D],
        [5201 / D, 5151 / D, 5252 / D, 5201 / D],
    ];

    [Fact]
    public void HandSolvedTwoByTwoVoltagesSatisfyKirchhoff()
    {
        for (var input = 0; input < 2; input++)
        {
            var (v0, v1) = input == 0 ? (1.0, 0.0) : (0.0, 1.0);
            var u = HandWordVoltages[input];
            var w = HandBitVoltages[input];
            double[] kcl =
            [
                (100 * (v0 - u[0])) + (100 * (u[1] - u[0])) + (w[0] - u[0]),
                (100 * (u[0] - u[1])) + (w[1] - u[1]),
                (100 * (v1 - u[2])) + (100 * (u[3] - u[2])) + (w[2] - u[2]),
                (100 * (u[2] - u[3])) + (w[3] - u[3]),
                (100 * (w[2] - w[0])) + (u[0] - w[0]),
                (100 * (w[3] - w[1])) + (u[1] - w[1]),
                (100 * (w[0] - w[2])) + (100 * (0 - w[2])) + (u[2] - w[2]),
                (100 * (w[1] - w[3])) + (100 * (0 - w[3])) + (u[3] - w[3]),
            ];

            Assert.All(kcl, residual => Assert.True(Math.Abs(residual) < 1e-12, $"KCL residual {residual}"));
        }
    }

    [Fact]
    public void TwoByTwoMatchesTheHandSolvedNodalNetwork()
    {
        const double g = 1e-3;
        double[] conductance = [g, g, g, g];
        var expected = new double[4];
        for (var input = 0; input < 2; input++)
        {
            for (var j = 0; j < 2; j++)
            {
                expected[(input * 2) + j] = 100 * g * HandBitVoltages[input][2 + j];
            }
        }

        AssertRelative([g * 260050 / 273053, g * 257550 / 273053, g * 262600 / 273053, g * 260050 / 273053], expected, 1e-15);

        // The hand solution is checked tighter than the default tolerance so solver slack cannot hide in the 1e-12.
        var fast = IrDropNetwork.EffectiveConductance(conductance, 2, 2, 10, 10, tolerance: 1e-13);
        var dense = IrDropNetwork.SolveDense(conductance, 2, 2, 10, 10);

        AssertRelative(expected, fast, 1e-12);
        AssertRelative(expected, dense, 1e-12);
    }

    [Theory]
    [InlineData(7, 5, 1.0, 1)]
    [InlineData(7, 5, 10.0, 2)]
    [InlineData(20, 20, 1.0, 3)]
    [InlineData(20, 20, 10.0, 4)]
    [InlineData(5, 23, 10.0, 5)]
    public void FastSolverEqualsTheDenseReference(int rows, int cols, double segmentOhm, int seed)
    {
        var conductance = RandomConductance(rows * cols, 1e-6, 100e-6, seed);

        var fast = IrDropNetwork.EffectiveConductance(conductance, rows, cols, segmentOhm, segmentOhm);
        var dense = IrDropNetwork.SolveDense(conductance, rows, cols, segmentOhm, segmentOhm);

        AssertRelative(dense, fast, 1e-9);
    }

    [Theory]
    [InlineData(0.0, 10.0)]
    [InlineData(10.0, 0.0)]
    [InlineData(1.0, 10.0)]
    [InlineData(10.0, 1.0)]
    public void UnequalAndIdealWireFamiliesAgreeWithTheDenseReference(double wordSegmentOhm, double bitSegmentOhm)
    {
        var conductance = RandomConductance(9 * 6, 1e-6, 100e-6, 6);

        var fast = IrDropNetwork.EffectiveConductance(conductance, 9, 6, wordSegmentOhm, bitSegmentOhm);
        var dense = IrDropNetwork.SolveDense(conductance, 9, 6, wordSegmentOhm, bitSegmentOhm);

        AssertRelative(dense, fast, 1e-9);
    }

    [Fact]
    public void ZeroWireResistanceReturnsTheConductancesExactly()
    {
        var conductance = RandomConductance(13 * 17, 0, 100e-6, 7);
        conductance[5] = 0;

        Assert.Equal(conductance, IrDropNetwork.EffectiveConductance(conductance, 13, 17, 0, 0));
        Assert.Equal(conductance, IrDropNetwork.SolveDense(conductance, 13, 17, 0, 0));
    }

    [Fact]
    public void IrDropGrowsWithWireResistance()
    {
        var conductance = RandomConductance(16 * 16, 1e-6, 25e-6, 8);
        double[] segmentOhms = [0, 0.01, 0.1, 1, 10, 100];

        var errors = segmentOhms
            .Select(r => AllOnesRelativeError(conductance, IrDropNetwork.EffectiveConductance(conductance, 16, 16, r, r)))
            .ToArray();

        Assert.Equal(0, errors[0]);
        for (var k = 1; k < errors.Length; k++)
        {
            Assert.True(errors[k] > errors[k - 1], $"error {errors[k]} at {segmentOhms[k]} Ω is not above {errors[k - 1]} at {segmentOhms[k - 1]} Ω");
        }
    }

    [Fact]
    public void IrDropGrowsWithArraySizeAndNeverRaisesTheAllOnesOutput()
    {
        var previous = 0.0;
        foreach (var n in new[] { 8, 32, 128 })
        {
            var conductance = RandomConductance(n * n, 1e-6, 25e-6, n);
            var effective = IrDropNetwork.EffectiveConductance(conductance, n, n, 1, 1);

            var error = AllOnesRelativeError(conductance, effective);
            Assert.True(error > previous, $"error {error} at {n}×{n} is not above {previous}");
            previous = error;

            // With every driver at 1 V and every sense node at 0 V no node leaves [0, 1] V, so no device carries more
            // than its ideal current and no column can read above Σ_i G[i,j].
            for (var j = 0; j < n; j++)
            {
                double sensed = 0, ideal = 0;
                for (var i = 0; i < n; i++)
                {
                    sensed += effective[(i * n) + j];
                    ideal += conductance[(i * n) + j];
                }

                Assert.True(sensed <= ideal, $"column {j} of {n}×{n} reads {sensed} S above the ideal {ideal} S");
            }
        }
    }

    [Fact]
    public void SingleDrivenRowNeverGainsCurrent()
    {
        const int rows = 20;
        const int cols = 20;
        var conductance = RandomConductance(rows * cols, 1e-6, 100e-6, 9);
        var effective = IrDropNetwork.EffectiveConductance(conductance, rows, cols, 10, 10);
        var rng = new Random(10);

        // The nodal matrix is an M-matrix, so every node voltage and every sensed current is ≥ 0; and the driven row
        // can only hand its devices Σ_j G[k,j]·(U − W) ≤ Σ_j G[k,j] while the grounded drivers only sink current.
        Assert.All(effective, value => Assert.True(value >= 0));
        for (var k = 0; k < rows; k++)
        {
            double sensed = 0, ideal = 0;
            for (var j = 0; j < cols; j++)
            {
                sensed += effective[(k * cols) + j];
                ideal += conductance[(k * cols) + j];
            }

            Assert.True(sensed <= ideal, $"row {k} senses {sensed} S in total, above its ideal {ideal} S");
        }

        // By linearity the total output for any non-negative input stays below the ideal total too.
        for (var trial = 0; trial < 20; trial++)
        {
            var input = Enumerable.Range(0, rows).Select(_ => rng.NextDouble()).ToArray();
            double sensed = 0, ideal = 0;
            for (var i = 0; i < rows; i++)
            {
                for (var j = 0; j < cols; j++)
                {
                    sensed += effective[(i * cols) + j] * input[i];
                    ideal += conductance[(i * cols) + j] * input[i];
                }
            }

            Assert.True(sensed <= ideal);
        }
    }

    [Fact]
    public void AnOffCellStillPassesWireSneakCurrent()
    {
        // Elementwise Geff ≤ G is not a law: current from the driven row enters column 0's bit line, crosses into the
        // lower word lines (held near 0 V only through their wire) and leaves through their cells into column 1.
        const double g = 100e-6;
        double[] conductance = [g, 0, g, g, g, g, g, g, g];

        var fast = IrDropNetwork.EffectiveConductance(conductance, 3, 3, 10, 10);
        var dense = IrDropNetwork.SolveDense(conductance, 3, 3, 10, 10);

        AssertRelative(dense, fast, 1e-9);
        Assert.True(fast[1] > 0, $"off cell reads {fast[1]} S");
        Assert.True(fast[1] < 1e-3 * g);
    }

    [Fact]
    public void NonConvergenceNamesTheWiresAndThrows()
    {
        var conductance = RandomConductance(20 * 20, 1e-6, 100e-6, 11);

        var error = Assert.Throws<InvalidOperationException>(
            () => IrDropNetwork.EffectiveConductance(conductance, 20, 20, 10, 5, maxSweeps: 1));

        Assert.Contains("did not converge", error.Message);
        Assert.Contains("10 Ω", error.Message);
        Assert.Contains("5 Ω", error.Message);
    }

    [Fact]
    public void RejectsInvalidTiles()
    {
        Assert.Throws<ArgumentException>(() => IrDropNetwork.EffectiveConductance(new double[5], 2, 3, 1, 1));
        Assert.Throws<ArgumentException>(() => IrDropNetwork.EffectiveConductance([1e-6, -1e-6], 1, 2, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => IrDropNetwork.EffectiveConductance([1e-6], 1, 1, -1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => IrDropNetwork.EffectiveConductance([1e-6], 1, 1, 1, double.NaN));
        Assert.Throws<ArgumentException>(() => IrDropNetwork.SolveDense(new double[41 * 40], 41, 40, 1, 1));
    }

    private static double AllOnesRelativeError(double[] conductance, double[] effective) =>
        Math.Abs(effective.Sum() - conductance.Sum()) / conductance.Sum();

    private static double[] RandomConductance(int count, double lowSiemens, double highSiemens, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => lowSiemens + ((highSiemens - lowSiemens) * rng.NextDouble())).ToArray();
    }

    private static void AssertRelative(double[] expected, double[] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var n = 0; n < expected.Length; n++)
        {
            var error = Math.Abs(actual[n] - expected[n]) / Math.Abs(expected[n]);
            Assert.True(error <= relative, $"element {n}: {actual[n]} vs {expected[n]} (relative {error:E2} > {relative:E0})");
        }
    }
}
