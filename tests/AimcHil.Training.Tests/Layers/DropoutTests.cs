using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Tests.Layers;

public class DropoutTests
{
    [Fact]
    public void EvaluationIsTheIdentity()
    {
        var dropout = new Dropout(0.5, new SeededRandom(1));
        var x = GradientCheck.Uniform(new SeededRandom(2), 3, 4);
        var g = GradientCheck.Uniform(new SeededRandom(3), 3, 4);

        Assert.Same(x, dropout.Forward(x, training: false));
        Assert.Same(g, dropout.Backward(g));
        Assert.Empty(dropout.Parameters);
    }

    [Fact]
    public void TrainingKeepsAboutOneMinusPAndScalesWhatItKeeps()
    {
        const double p = 0.3;
        var dropout = new Dropout(p, new SeededRandom(4));
        var x = GradientCheck.Uniform(new SeededRandom(5), 100, 1000, 0.5f, 1.5f);

        var y = dropout.Forward(x, training: true);

        // 100 000 draws: the kept fraction has a standard deviation of sqrt(0.3 · 0.7 / 1e5) ≈ 0.0014.
        var kept = y.Data.Count(v => v != 0f);
        Assert.InRange(kept / 1e5, 0.7 - 0.01, 0.7 + 0.01);
        Assert.All(x.Data.Zip(y.Data), pair => Assert.True(pair.Second == 0f || Math.Abs(pair.Second - (pair.First / (1 - p))) <= 1e-6 * pair.Second));
    }

    [Fact]
    public void BackwardUsesTheForwardMask()
    {
        var dropout = new Dropout(0.5, new SeededRandom(6));
        var ones = new Grid<float>(4, 50, [.. Enumerable.Repeat(1f, 200)]);
        var g = GradientCheck.Uniform(new SeededRandom(7), 4, 50);

        // With x = 1 the output is the mask itself: 0 or 1/(1 − p) = 2.
        var mask = dropout.Forward(ones, training: true);
        var gx = dropout.Backward(g);

        Assert.All(mask.Data, m => Assert.True(m is 0f or 2f));
        Assert.Equal(mask.Data.Zip(g.Data, (m, v) => m * v), gx.Data);
    }

    [Fact]
    public void TheSeedGivesTheMasks()
    {
        var ones = new Grid<float>(8, 32, [.. Enumerable.Repeat(1f, 256)]);
        var first = new Dropout(0.4, new SeededRandom(8));
        var again = new Dropout(0.4, new SeededRandom(8));
        var other = new Dropout(0.4, new SeededRandom(9));

        var mask = first.Forward(ones, training: true).Data;

        Assert.Equal(mask, again.Forward(ones, training: true).Data);
        Assert.NotEqual(mask, other.Forward(ones, training: true).Data);

        // The stream moves on: the next batch gets a fresh mask.
        Assert.NotEqual(mask, first.Forward(ones, training: true).Data);
    }

    [Fact]
    public void ZeroProbabilityKeepsEverything()
    {
        var x = GradientCheck.Uniform(new SeededRandom(10), 3, 7);

        Assert.Equal(x.Data, new Dropout(0, new SeededRandom(11)).Forward(x, training: true).Data);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void ProbabilityMustBeBelowOne(double p)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(p, new SeededRandom(1)));

        Assert.StartsWith("dropout: the probability of zeroing a value must be in [0, 1)", error.Message);
    }
}
