using AimcHil.Core;
using AimcHil.Emulator.Domains;
using AimcHil.Emulator.Periphery;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>Time-domain jitter accumulates with delay: a chain of total delay T jitters by σ = κ·√T, and the TDC
/// measures the column's chain (T_j = N·τ0 + Δτ·Σᵢ xᵢ wᵢⱼ) against a replica chain of N·τ0 that jitters too, so
/// σ_T = κ·√(T_j + N·τ0) = κ·√(2N·τ0 + Δτ·Σᵢ xᵢ wᵢⱼ), σ in MAC = σ_T / Δτ.</summary>
/// <remarks>
/// Every other non-ideality is off, and the TDC has 20 bits, so quantization adds LSB²/12 ≤ (72/2^19)²/12 = 1.6e-9
/// MAC² to variances of at least 9e-4 MAC² (2e-6 relative). The sample standard deviation of n independent
/// Gaussian draws has a relative standard error of 1/√(2(n − 1)); the bounds are 4 of those.
/// </remarks>
public class TimeDomainJitterTests
{
    /// <summary>The preset's κ: 1 ps of jitter on a 1 ns stage, 1e-12/√1e-9 = 3.162e-8 √s (κ² = 1e-15 s).</summary>
    private const double Kappa = 3.1622776601683795e-8;

    private const double DelayRange = 0.5e-9;

    private const int Rows = 128;

    private const int Repeats = 2000;

    private static ChipPreset Chain(double stageDelay, int cols, double rangeMac) =>
        TestBench.Preset(ComputationDomain.TimeDomain, Rows, cols).Ideal() with
        {
            Adc = new AdcConfig { Bits = 20, RangeMac = rangeMac },
            TimeDomain = new TimeDomainConfig
            {
                StageDelaySeconds = stageDelay,
                DelayRangeSeconds = DelayRange,
                DelayMismatchSigma = 0,
                JitterKappaRootSeconds = Kappa,
            },
        };

    /// <summary>σ_T in seconds for a column of product sum Σ x w.</summary>
    private static double SigmaSeconds(double stageDelay, double productSum) =>
        Kappa * Math.Sqrt((2 * Rows * stageDelay) + (DelayRange * productSum));

    private static double RelativeStandardError(int samples) => 1 / Math.Sqrt(2.0 * (samples - 1));

    /// <summary>The MAC outputs of one column over every repeat.</summary>
    private static double[] Column(Grid<float> mac, int col) =>
        Enumerable.Range(0, mac.Rows).Select(s => (double)mac[s, col]).ToArray();

    private static double PooledStd(Grid<float> mac, int fromCol, int toCol)
    {
        // Every column of a group has the same noiseless output, so their deviations pool.
        double sum = 0;
        var n = 0;
        for (var c = fromCol; c < toCol; c++)
        {
            var values = Column(mac, c);
            var mean = values.Average();
            sum += values.Sum(v => (v - mean) * (v - mean));
            n += values.Length - 1;
        }

        return Math.Sqrt(sum / n);
    }

    [Fact]
    public void JitterGrowsAsTheSquareRootOfTheStageDelay()
    {
        // Zero products: both chains are N·τ0, σ_T = κ·√(2·128·τ0) = 1e-12·√(256·τ0/1 ns):
        // 16 ps at τ0 = 1 ns (0.032 MAC), 32 ps at τ0 = 4 ns (0.064 MAC), twice as much for four times the delay.
        double Measured(double stageDelay)
        {
            using var chip = new EmulatedChip(Chain(stageDelay, 16, 4), 1);
            chip.Program(0, TestBench.ConstantWeights(Rows, 16, 0f), WriteVerifyOptions.SinglePulse);
            var mac = chip.Mvm(0, TestBench.ConstantInputs(Repeats, Rows, chip.Info.InputCodeMax)).ToMac();
            return PooledStd(mac, 0, 16) * DelayRange;
        }

        var at1 = Measured(1e-9);
        var at4 = Measured(4e-9);

        var bound = 4 * RelativeStandardError(16 * Repeats);
        Assert.Equal(16e-12, SigmaSeconds(1e-9, 0), 1e-20);
        Assert.Equal(32e-12, SigmaSeconds(4e-9, 0), 1e-20);
        Assert.InRange(at1 / 16e-12, 1 - bound, 1 + bound);
        Assert.InRange(at4 / 32e-12, 1 - bound, 1 + bound);
        Assert.InRange(at4 / at1 / 2, 1 - (Math.Sqrt(2) * bound), 1 + (Math.Sqrt(2) * bound));
    }

    [Fact]
    public void JitterGrowsWithTheProductSumAlongTheColumn()
    {
        // 64 of the 128 rows at full scale (x = 1), the others at 0; columns 0–7 hold w = +1, columns 8–15 w = −1.
        // Σ x w = ±64: the column chain is 128 ns ± 64·0.5 ns = 160 ns or 96 ns against the 128 ns replica, so
        // σ_T = κ·√(288 ns) = 16.97 ps (0.03394 MAC) and κ·√(224 ns) = 14.97 ps (0.02993 MAC): a ratio √(288/224) = 1.134.
        var weights = new Grid<float>(Rows, 16);
        for (var i = 0; i < Rows; i++)
        {
            for (var j = 0; j < 16; j++)
            {
                weights[i, j] = j < 8 ? 1f : -1f;
            }
        }

        using var chip = new EmulatedChip(Chain(1e-9, 16, 72), 1);
        chip.Program(0, weights, WriteVerifyOptions.SinglePulse);
        var x = new Grid<int>(Repeats, Rows);
        for (var s = 0; s < Repeats; s++)
        {
            for (var i = 0; i < 64; i++)
            {
                x[s, i] = chip.Info.InputCodeMax;
            }
        }

        var mac = chip.Mvm(0, x).ToMac();
        var positive = PooledStd(mac, 0, 8) * DelayRange;
        var negative = PooledStd(mac, 8, 16) * DelayRange;

        var bound = 4 * RelativeStandardError(8 * Repeats);
        Assert.Equal(1e-12 * Math.Sqrt(288), SigmaSeconds(1e-9, 64), 1e-20);
        Assert.Equal(1e-12 * Math.Sqrt(224), SigmaSeconds(1e-9, -64), 1e-20);
        Assert.Equal(64.0, Column(mac, 0).Average(), 0.01);
        Assert.Equal(-64.0, Column(mac, 8).Average(), 0.01);
        Assert.InRange(positive / (1e-12 * Math.Sqrt(288)), 1 - bound, 1 + bound);
        Assert.InRange(negative / (1e-12 * Math.Sqrt(224)), 1 - bound, 1 + bound);
        Assert.InRange(positive / negative / Math.Sqrt(288.0 / 224), 1 - (Math.Sqrt(2) * bound), 1 + (Math.Sqrt(2) * bound));
    }

    [Fact]
    public void SpreadOfRepeatedMvmsMatchesTheClosedFormOnEveryColumn()
    {
        // One random input vector, 2000 times, on random ternary weights: column j reads y_j = Σᵢ xᵢ wᵢⱼ on average
        // and spreads by κ·√(2·128·1 ns + 0.5 ns·y_j) / 0.5 ns MAC, each column within 4 standard errors (6.3 %)
        // and their mean variance ratio within 4 standard errors of the 32 columns together (1.8 %).
        const int cols = 32;
        using var chip = new EmulatedChip(Chain(1e-9, cols, 72), 1);
        var report = chip.Program(0, TestBench.RandomWeights(Rows, cols, 7), WriteVerifyOptions.SinglePulse);
        var vector = TestBench.RandomInputs(1, Rows, chip.Info.InputCodeMax, 8);
        var x = new Grid<int>(Repeats, Rows);
        for (var s = 0; s < Repeats; s++)
        {
            vector.Data.CopyTo(x.Data, s * Rows);
        }

        var mac = chip.Mvm(0, x).ToMac();
        var exact = MvmError.Exact(report.Representable!, vector, chip.Info.InputCodeMax);

        var perColumn = 4 * RelativeStandardError(Repeats);
        var ratios = new List<double>();
        for (var j = 0; j < cols; j++)
        {
            var expected = SigmaSeconds(1e-9, exact[0, j]) / DelayRange;
            var (mean, std) = TestBench.MeanStd(Column(mac, j));
            Assert.Equal(exact[0, j], mean, 4 * expected / Math.Sqrt(Repeats));
            Assert.InRange(std / expected, 1 - perColumn, 1 + perColumn);
            ratios.Add(std * std / (expected * expected));
        }

        // The variance ratio s²/σ² has a standard error of √(2/(n − 1)) per column.
        var pooled = 4 * Math.Sqrt(2.0 / (Repeats - 1)) / Math.Sqrt(cols);
        Assert.InRange(ratios.Average(), 1 - pooled, 1 + pooled);
        Assert.True(exact.Data.Max() - exact.Data.Min() > 4, "the random vector spreads the columns' products");
    }

    [Fact]
    public void JitterIsDescribedAsKappaInRootSecondsAndIdealTurnsItOff()
    {
        // The default (and the preset's) κ is 1 ps on a 1 ns stage.
        Assert.Equal(Kappa, new TimeDomainConfig().JitterKappaRootSeconds, 1e-20);
        using var chip = new EmulatedChip(TestBench.Preset(ComputationDomain.TimeDomain, Rows, 8), 1);
        var jitter = chip.Info.NonIdealities.Single(n => n.Name == "jitter");
        Assert.True(jitter.Enabled);
        Assert.Equal(Kappa, jitter.Value, 1e-20);
        Assert.Equal("√s", jitter.Unit);

        using var ideal = new EmulatedChip(TestBench.Preset(ComputationDomain.TimeDomain, Rows, 8).Ideal(), 1);
        Assert.False(ideal.Info.NonIdealities.Single(n => n.Name == "jitter").Enabled);
    }
}
