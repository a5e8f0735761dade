namespace AimcHil.Numerics.Tests;

public class SeededRandomTests
{
    [Fact]
    public void StreamIsPinnedToXoshiro256StarStarSeededBySplitMix64()
    {
        // Reference values from an independent implementation of the published algorithms; if these change, every
        // seeded experiment recorded so far stops being reproducible.
        var zero = new SeededRandom(0);
        Assert.Equal(0x99EC5F36CB75F2B4UL, zero.NextUInt64());
        Assert.Equal(0xBF6E1F784956452AUL, zero.NextUInt64());
        Assert.Equal(0x1A5F849D4933E6E0UL, zero.NextUInt64());

        var fortyTwo = new SeededRandom(42);
        Assert.Equal(0x15780B2E0C2EC716UL, fortyTwo.NextUInt64());
        Assert.Equal(0x6104D9866D113A7EUL, fortyTwo.NextUInt64());
        Assert.Equal(0xAE17533239E499A1UL, fortyTwo.NextUInt64());
    }

    [Fact]
    public void SameSeedGivesTheSameStream()
    {
        var first = new SeededRandom(1234);
        var second = new SeededRandom(1234);

        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(first.NextUInt64(), second.NextUInt64());
            Assert.Equal(first.NextGaussian(), second.NextGaussian());
            Assert.Equal(first.NextInt(17), second.NextInt(17));
        }

        Assert.Equal(1234UL, first.Seed);
    }

    [Fact]
    public void DifferentSeedsGiveDifferentStreams()
    {
        Assert.NotEqual(Draw(new SeededRandom(1)), Draw(new SeededRandom(2)));
    }

    [Fact]
    public void PurposesGiveIndependentButReproducibleStreams()
    {
        var weights = Draw(SeededRandom.For(7, "weights"));
        var noise = Draw(SeededRandom.For(7, "noise"));

        Assert.NotEqual(weights, noise);
        Assert.NotEqual(Draw(new SeededRandom(7)), weights);
        Assert.Equal(weights, Draw(SeededRandom.For(7, "weights")));
        Assert.NotEqual(weights, Draw(SeededRandom.For(8, "weights")));
    }

    [Fact]
    public void ForkIsForOnTheParentSeedAndDoesNotDependOnDrawsSoFar()
    {
        var parent = new SeededRandom(99);
        var before = Draw(parent.Fork("drift"));
        parent.NextUInt64();
        parent.NextGaussian();

        Assert.Equal(before, Draw(parent.Fork("drift")));
        Assert.Equal(before, Draw(SeededRandom.For(99, "drift")));
    }

    [Fact]
    public void GaussianHasZeroMeanAndUnitVariance()
    {
        const int n = 200_000;
        var random = new SeededRandom(2024);
        double sum = 0, sumSquares = 0;
        for (var i = 0; i < n; i++)
        {
            var x = random.NextGaussian();
            sum += x;
            sumSquares += x * x;
        }

        var mean = sum / n;
        var variance = (sumSquares / n) - (mean * mean);

        // Standard errors are 1/sqrt(n) = 0.0022 for the mean and sqrt(2/n) = 0.0032 for the variance.
        Assert.InRange(Math.Abs(mean), 0, 0.01);
        Assert.InRange(Math.Abs(variance - 1), 0, 0.02);
    }

    [Fact]
    public void FillGaussianAppliesMeanAndSigma()
    {
        var values = new float[100_000];
        new SeededRandom(5).FillGaussian(values, mean: 3f, sigma: 0.5f);

        var mean = values.Average(v => (double)v);
        var variance = values.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, 2.99, 3.01);
        Assert.InRange(variance, 0.25 * 0.97, 0.25 * 1.03);
    }

    [Fact]
    public void UniformDrawsStayInTheirInterval()
    {
        var random = new SeededRandom(11);
        double sum = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var x = random.NextDouble();
            Assert.InRange(x, 0.0, 0.9999999999999999);
            sum += x;
        }

        Assert.InRange(sum / 100_000, 0.49, 0.51);

        var values = new float[10_000];
        random.FillUniform(values, -2f, 3f);
        Assert.All(values, v => Assert.InRange(v, -2f, 3f));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    public void NextIntStaysInRange(int maxExclusive)
    {
        var random = new SeededRandom((ulong)maxExclusive);
        for (var i = 0; i < 20_000; i++)
        {
            Assert.InRange(random.NextInt(maxExclusive), 0, maxExclusive - 1);
        }
    }

    [Fact]
    public void NextIntReachesEveryValueRoughlyEvenly()
    {
        var random = new SeededRandom(3);
        var counts = new int[7];
        for (var i = 0; i < 70_000; i++)
        {
            counts[random.NextInt(7)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void NextIntRejectsAnEmptyRange(int maxExclusive)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SeededRandom(1).NextInt(maxExclusive));
    }

    private static ulong[] Draw(SeededRandom random)
    {
        var values = new ulong[8];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = random.NextUInt64();
        }

        return values;
    }
}
