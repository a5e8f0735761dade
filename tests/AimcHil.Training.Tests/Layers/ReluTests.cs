using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Tests.Layers;

public class ReluTests
{
    [Fact]
    public void ForwardClampsNegativesAndBackwardMasksThem()
    {
        var relu = new Relu();
        var y = relu.Forward(new Grid<float>(1, 4, [-2f, 0f, 0.5f, 3f]), training: true);
        var gx = relu.Backward(new Grid<float>(1, 4, [1f, 1f, 1f, -2f]));

        Assert.Equal([0f, 0f, 0.5f, 3f], y.Data);

        // At exactly 0 the subgradient 0 is taken, as in PyTorch.
        Assert.Equal([0f, 0f, 1f, -2f], gx.Data);
        Assert.Empty(relu.Parameters);
    }

    [Fact]
    public void GradientMatchesFiniteDifferencesAwayFromTheKink()
    {
        var random = new SeededRandom(21);

        // Magnitudes in [0.1, 1] with random signs: a step of 1e-2 can never cross 0.
        var x = GradientCheck.Uniform(random.Fork("x"), 4, 5, 0.1f, 1f);
        for (var i = 0; i < x.Data.Length; i++)
        {
            if (random.NextDouble() < 0.5)
            {
                x.Data[i] = -x.Data[i];
            }
        }

        var c = GradientCheck.Uniform(random.Fork("c"), 4, 5);
        var relu = new Relu();
        relu.Forward(x, training: true);
        var gx = relu.Backward(c);

        GradientCheck.AssertMatches("x", x.Data, gx.Data, 1e-2f, () => GradientCheck.Probe(new Relu().Forward(x, training: true), c));
        Assert.Contains(gx.Data, g => g == 0f);
        Assert.Contains(gx.Data, g => g != 0f);
    }
}
