using AimcHil.Emulator.Circuits;

namespace AimcHil.Emulator.Tests.Circuits;

/// <summary>Specification of single-cell reads of 1T1R and passive arrays against hand-solved resistor networks.</summary>
public class SneakPathReadTests
{
    [Fact]
    public void AccessTransistorsReadEveryCellExactly()
    {
        var conductance = RandomConductance(5 * 7, 1e-6, 100e-6, 1);
        conductance[3] = 0;

        Assert.Equal(conductance, SneakPathRead.ApparentConductance(conductance, 5, 7, accessTransistors: true));
    }

    [Fact]
    public void PassiveTwoByTwoIsTheCellInParallelWithTheThreeCellSneakPath()
    {
        double[] g = [10e-6, 20e-6, 30e-6, 40e-6];

        var apparent = SneakPathRead.ApparentConductance(g, 2, 2, accessTransistors: false);

        // Reading (i,j): the other three cells form the only other path, row i → column j' → row i' → column j.
        for (var i = 0; i < 2; i++)
        {
            for (var j = 0; j < 2; j++)
            {
                var sneak = 1 / ((1 / g[(i * 2) + (1 - j)]) + (1 / g[((1 - i) * 2) + (1 - j)]) + (1 / g[((1 - i) * 2) + j]));
                AssertRelative(g[(i * 2) + j] + sneak, apparent[(i * 2) + j], 1e-12);
            }
        }
    }

    [Fact]
    public void PassiveArrayReadsEveryCellStrictlyHigh()
    {
        var conductance = RandomConductance(6 * 9, 1e-6, 100e-6, 2);

        var apparent = SneakPathRead.ApparentConductance(conductance, 6, 9, accessTransistors: false);

        for (var n = 0; n < conductance.Length; n++)
        {
            Assert.True(apparent[n] > conductance[n], $"cell {n} reads {apparent[n]} S, not above its {conductance[n]} S");
        }
    }

    // Uniform N×N array of g is K_{N,N}. Inject 1 A at row a, draw it from column b. By symmetry every other row sits at
    // one potential v_r and every other column at v_c, and swapping the two sides while negating potentials maps the
    // problem onto itself, so v_b = −v_a and v_c = −v_r. KCL at another row: g(v_r − v_b) + (N−1)g(v_r − v_c) = 0 gives
    // v_r = −v_a/(2N−1). KCL at a: 1 = g(v_a − v_b) + (N−1)g(v_a − v_c) = g·v_a·(2 + 2(N−1)²/(2N−1)). With
    // (N−1)² + (2N−1) = N², R_eff = v_a − v_b = (2N−1)/(g·N²), so every cell reads g·N²/(2N−1) (g at N = 1, 4g/3 at N = 2).
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void UniformArrayReadsTheCompleteBipartiteClosedForm(int n)
    {
        const double g = 7e-6;
        var conductance = Enumerable.Repeat(g, n * n).ToArray();

        var apparent = SneakPathRead.ApparentConductance(conductance, n, n, accessTransistors: false);

        Assert.All(apparent, value => AssertRelative(g * n * n / ((2.0 * n) - 1), value, 1e-12));
    }

    [Fact]
    public void SingleRowHasNoSneakPath()
    {
        var conductance = RandomConductance(9, 1e-6, 100e-6, 3);

        var apparent = SneakPathRead.ApparentConductance(conductance, 1, 9, accessTransistors: false);

        for (var n = 0; n < conductance.Length; n++)
        {
            AssertRelative(conductance[n], apparent[n], 1e-12);
        }
    }

    [Fact]
    public void OffCellReadsOnlyItsSneakPath()
    {
        double[] g = [0, 20e-6, 30e-6, 40e-6];

        var apparent = SneakPathRead.ApparentConductance(g, 2, 2, accessTransistors: false);

        AssertRelative(1 / ((1 / g[1]) + (1 / g[3]) + (1 / g[2])), apparent[0], 1e-12);
    }

    [Fact]
    public void CellsWithoutAnyPathReadZero()
    {
        // Two independent 2×2 blocks on the diagonal and an all-zero last row: the blocks read as if alone, cells that
        // join lines of different blocks have no path at all and read 0, as does every cell of the dead row.
        const int rows = 5;
        const int cols = 4;
        var conductance = new double[rows * cols];
        double[] upper = [10e-6, 20e-6, 30e-6, 40e-6];
        double[] lower = [5e-6, 15e-6, 25e-6, 35e-6];
        for (var i = 0; i < 2; i++)
        {
            for (var j = 0; j < 2; j++)
            {
                conductance[(i * cols) + j] = upper[(i * 2) + j];
                conductance[((i + 2) * cols) + j + 2] = lower[(i * 2) + j];
            }
        }

        var apparent = SneakPathRead.ApparentConductance(conductance, rows, cols, accessTransistors: false);
        var upperAlone = SneakPathRead.ApparentConductance(upper, 2, 2, accessTransistors: false);
        var lowerAlone = SneakPathRead.ApparentConductance(lower, 2, 2, accessTransistors: false);

        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                var expected = (i < 2, j < 2) switch
                {
                    (true, true) => upperAlone[(i * 2) + j],
                    (false, false) when i < 4 => lowerAlone[((i - 2) * 2) + j - 2],
                    _ => 0.0,
                };

                if (expected == 0)
                {
                    Assert.Equal(0.0, apparent[(i * cols) + j]);
                }
                else
                {
                    AssertRelative(expected, apparent[(i * cols) + j], 1e-12);
                }
            }
        }
    }

    [Fact]
    public void RejectsMismatchedTiles()
    {
        Assert.Throws<ArgumentException>(() => SneakPathRead.ApparentConductance(new double[5], 2, 3, accessTransistors: false));
    }

    private static double[] RandomConductance(int count, double lowSiemens, double highSiemens, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => lowSiemens + ((highSiemens - lowSiemens) * rng.NextDouble())).ToArray();
    }

    private static void AssertRelative(double expected, double actual, double relative)
    {
        var error = Math.Abs(actual - expected) / Math.Abs(expected);
        Assert.True(error <= relative, $"{actual} vs {expected} (relative {error:E2} > {relative:E0})");
    }
}
