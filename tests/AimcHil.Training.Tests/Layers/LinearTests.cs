using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Tests.Layers;

public class LinearTests
{
    // The layer is linear in x, W and b, so central differences have no truncation error and a large step
    // keeps float rounding noise in the quotient small.
    private const float Step = 1e-2f;

    [Fact]
    public void WeightRowsAreOutputsAndColumnsAreInputsAsInPyTorch()
    {
        var layer = new Linear("fc", 2, 3, new SeededRandom(1));
        float[] weight = [1, 4, 2, 5, 3, 6];
        weight.CopyTo(layer.Weight.Value, 0);
        float[] bias = [0.5f, -0.5f, 1f];
        bias.CopyTo(layer.Bias.Value, 0);

        var y = layer.Forward(new Grid<float>(1, 2, [1f, -1f]), training: true);

        // y_j = Σ_i W[j, i]·x_i + b_j.
        Assert.Equal([-2.5f, -3.5f, -2f], y.Data);
        Assert.Equal((3, 2), (layer.Weight.Rows, layer.Weight.Cols));
        Assert.Equal([3, 2], layer.Weight.Shape);
        Assert.Equal((1, 3), (layer.Bias.Rows, layer.Bias.Cols));
        Assert.Equal([3], layer.Bias.Shape);
        Assert.Equal(["fc.weight", "fc.bias"], layer.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void InitializationIsHeUniformWithZeroBiasAndReproducible()
    {
        var layer = new Linear("fc", 24, 40, new SeededRandom(5));
        var again = new Linear("fc", 24, 40, new SeededRandom(5));
        var bound = MathF.Sqrt(6f / 24);

        Assert.All(layer.Weight.Value, w => Assert.InRange(w, -bound, bound));
        Assert.True(layer.Weight.Value.Max() > 0.9f * bound);
        Assert.True(layer.Weight.Value.Min() < -0.9f * bound);
        Assert.All(layer.Bias.Value, b => Assert.Equal(0f, b));
        Assert.Equal(layer.Weight.Value, again.Weight.Value);
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var random = new SeededRandom(11);
        var layer = new Linear("fc", 5, 4, random.Fork("init"));
        random.Fork("bias").FillUniform(layer.Bias.Value, -0.5f, 0.5f);
        var x = GradientCheck.Uniform(random.Fork("x"), 3, 5);
        var c = GradientCheck.Uniform(random.Fork("c"), 3, 4);
        double Loss() => GradientCheck.Probe(layer.Forward(x, training: true), c);

        layer.Forward(x, training: true);
        var gx = layer.Backward(c);

        GradientCheck.AssertMatches("x", x.Data, gx.Data, Step, Loss);
        GradientCheck.AssertMatches("weight", layer.Weight.Value, layer.Weight.Gradient, Step, Loss);
        GradientCheck.AssertMatches("bias", layer.Bias.Value, layer.Bias.Gradient, Step, Loss);
    }

    [Fact]
    public void BackwardAddsToParameterGradients()
    {
        var random = new SeededRandom(3);
        var layer = new Linear("fc", 3, 2, random.Fork("init"));
        var x = GradientCheck.Uniform(random.Fork("x"), 4, 3);
        var c = GradientCheck.Uniform(random.Fork("c"), 4, 2);
        layer.Forward(x, training: true);
        layer.Backward(c);
        var weightOnce = (float[])layer.Weight.Gradient.Clone();
        var biasOnce = (float[])layer.Bias.Gradient.Clone();

        layer.Backward(c);

        Assert.Equal(weightOnce.Select(g => 2 * g), layer.Weight.Gradient);
        Assert.Equal(biasOnce.Select(g => 2 * g), layer.Bias.Gradient);
        layer.Weight.ZeroGradient();
        Assert.All(layer.Weight.Gradient, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void StaticBackwardUsesTheWeightItIsGiven()
    {
        // An analog layer trains W but the chip computes with a perturbed W'; the input gradient follows W'.
        var x = new Grid<float>(2, 2, [1f, 2f, -1f, 0.5f]);
        var gy = new Grid<float>(2, 3, [1f, 0f, -1f, 2f, 1f, 0f]);
        float[] effective = [1, 0, 0, 1, 2, -1];
        var weightGradient = new float[6];
        var biasGradient = new float[3];

        var gx = Linear.Backward(x, gy, effective, weightGradient, biasGradient);

        // W' is 3 outputs × 2 inputs: gx = gy·W', gW = gyᵀ·x, gb = Σ_batch gy.
        Assert.Equal([1f - 2f, 0f + 1f, 2f + 0f, 0f + 1f], gx.Data);
        Assert.Equal([1f - 2f, 2f + 1f, 0f - 1f, 0.5f, -1f, -2f], weightGradient);
        Assert.Equal([3f, 1f, -1f], biasGradient);
    }

    [Fact]
    public void ApplyMatchesTheLayer()
    {
        var random = new SeededRandom(8);
        var layer = new Linear("fc", 6, 3, random.Fork("init"));
        random.Fork("bias").FillUniform(layer.Bias.Value, -1f, 1f);
        var x = GradientCheck.Uniform(random.Fork("x"), 5, 6);

        Assert.Equal(layer.Forward(x, training: false).Data, Linear.Apply(x, layer.Weight.Value, layer.Bias.Value, 3).Data);
    }

    [Fact]
    public void TheSeedGivesTheSameNetworkAsTheInputsByOutputsLayoutDid()
    {
        // Runs recorded before the weights took PyTorch's layout stay reproducible: the draws fill inputs × outputs.
        var layer = new Linear("fc", 3, 2, new SeededRandom(4));
        var drawn = new float[6];
        new SeededRandom(4).FillUniform(drawn, -MathF.Sqrt(2f), MathF.Sqrt(2f));

        Assert.Equal([drawn[0], drawn[2], drawn[4], drawn[1], drawn[3], drawn[5]], layer.Weight.Value);
    }

    [Fact]
    public void BindChecksTheFeatureCount()
    {
        var layer = new Linear("fc", 16, 2, new SeededRandom(1));

        Assert.Equal(ImageShape.Flat(2), layer.Bind(new ImageShape(1, 4, 4)));
        var error = Assert.Throws<ArgumentException>(() => layer.Bind(new ImageShape(2, 3, 3)));
        Assert.Equal("fc: takes 16 features per example, but gets 2×3×3 = 18; a Flatten before it does not change the count", error.Message);
    }

    [Fact]
    public void WrongInputWidthIsRejected()
    {
        var layer = new Linear("fc", 3, 2, new SeededRandom(1));

        var error = Assert.Throws<ArgumentException>(() => layer.Forward(new Grid<float>(1, 4), training: true));
        Assert.StartsWith("fc: the input has 4 features per example, the layer takes 3", error.Message);
    }
}
