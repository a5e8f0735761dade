using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Tests.Layers;

/// <summary>Central finite differences of a scalar loss against analytic gradients, sized for single-precision layers.</summary>
internal static class GradientCheck
{
    // A float forward pass rounds at ~6e-8 relative, so the difference quotient carries ~1e-7 / step of noise;
    // the absolute floor absorbs that for near-zero gradients, the relative part the O(step²) truncation.
    private const double RelativeTolerance = 1e-3;
    private const double AbsoluteTolerance = 1e-4;

    /// <summary>d loss / d values[index] by central differences; divides by the step the float slot really took.</summary>
    public static double Central(float[] values, int index, float step, Func<double> loss)
    {
        var original = values[index];
        var plus = original + step;
        var minus = original - step;
        values[index] = plus;
        var lossPlus = loss();
        values[index] = minus;
        var lossMinus = loss();
        values[index] = original;
        return (lossPlus - lossMinus) / ((double)plus - minus);
    }

    /// <summary>Checks every slot of <paramref name="values"/> against <paramref name="analytic"/>.</summary>
    public static void AssertMatches(string what, float[] values, float[] analytic, float step, Func<double> loss)
    {
        Assert.Equal(values.Length, analytic.Length);
        for (var i = 0; i < values.Length; i++)
        {
            var numeric = Central(values, i, step, loss);
            var error = Math.Abs(numeric - analytic[i]);
            var allowed = AbsoluteTolerance + (RelativeTolerance * Math.Max(Math.Abs(numeric), Math.Abs(analytic[i])));
            Assert.True(error <= allowed, $"{what}[{i}]: analytic {analytic[i]:g6}, finite difference {numeric:g6}");
        }
    }

    /// <summary>Checks the input gradient of <paramref name="layer"/> at <paramref name="x"/> and every parameter
    /// gradient against the probe loss Σ c ⊙ layer(x), whose output gradient is exactly <paramref name="c"/>.</summary>
    public static void AssertLayerGradients(ILayer layer, Grid<float> x, Grid<float> c, float step)
    {
        ZeroGradients(layer.Parameters);
        layer.Forward(x, training: true);
        var gx = layer.Backward(c);
        double Loss() => Probe(layer.Forward(x, training: true), c);

        AssertMatches("x", x.Data, gx.Data, step, Loss);
        foreach (var parameter in layer.Parameters)
        {
            AssertMatches(parameter.Name, parameter.Value, parameter.Gradient, step, Loss);
        }
    }

    /// <summary>A grid of uniform values in [min, max).</summary>
    public static Grid<float> Uniform(SeededRandom random, int rows, int cols, float min = -1f, float max = 1f)
    {
        var grid = new Grid<float>(rows, cols);
        random.FillUniform(grid.Data, min, max);
        return grid;
    }

    /// <summary>Σ c ⊙ y in double: a linear probe loss whose gradient with respect to y is exactly c.</summary>
    public static double Probe(Grid<float> output, Grid<float> weights)
    {
        var sum = 0.0;
        for (var i = 0; i < output.Data.Length; i++)
        {
            sum += (double)output.Data[i] * weights.Data[i];
        }

        return sum;
    }

    public static void ZeroGradients(IEnumerable<Parameter> parameters)
    {
        foreach (var parameter in parameters)
        {
            parameter.ZeroGradient();
        }
    }
}
