using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Numerics;
using AimcHil.Training.Analog;
using AimcHil.Training.Layers;
using AimcHil.Training.Tests.Runs;

namespace AimcHil.Training.Tests.Layers;

/// <summary>A first layer's backward that stops at its parameters adds the very gradients the full backward adds,
/// bit for bit: the training step skips only the images' gradient, which nothing reads.</summary>
public class BackwardToParametersTests
{
    private static Grid<float> Random(int rows, int cols, string purpose, float min = -1f)
    {
        var grid = new Grid<float>(rows, cols);
        SeededRandom.For(7, purpose).FillUniform(grid.Data, min, 1f);
        return grid;
    }

    private static float[][] Gradients(IReadOnlyList<Parameter> parameters) => [.. parameters.Select(p => p.Gradient.ToArray())];

    /// <summary>Runs <paramref name="backward"/> after one forward of two identical models and compares every
    /// parameter gradient with the full backward's.</summary>
    private static void AssertSameGradients(Func<ILayer> build, Grid<float> input, Action<ILayer, Grid<float>> backward)
    {
        var full = build();
        var partial = build();
        var outputGradient = Random(input.Rows, full.Forward(input, training: true).Cols, "gy");
        partial.Forward(input, training: true);

        // Gradients accumulate: start both from the same non-zero values.
        foreach (var (a, b) in full.Parameters.Zip(partial.Parameters))
        {
            SeededRandom.For(9, a.Name).FillUniform(a.Gradient, -1f, 1f);
            SeededRandom.For(9, b.Name).FillUniform(b.Gradient, -1f, 1f);
        }

        full.Backward(outputGradient);
        backward(partial, outputGradient);
        Assert.NotEmpty(full.Parameters);
        Assert.Equal(Gradients(full.Parameters), Gradients(partial.Parameters));
    }

    [Fact]
    public void LinearAddsTheFullBackwardsGradients() =>
        AssertSameGradients(() => new Linear("fc", 12, 5, new SeededRandom(2)), Random(6, 12, "x"), (layer, g) => layer.BackwardToParameters(g));

    [Fact]
    public void Conv2dAddsTheFullBackwardsGradients() =>
        AssertSameGradients(
            () => new Conv2d("conv", 2, 3, 3, new SeededRandom(2), padding: 1),
            Random(4, 2 * 7 * 7, "x"),
            (layer, g) => layer.BackwardToParameters(g));

    [Fact]
    public void LeNetAddsTheFullBackwardsGradientsInEveryLayer() =>
        AssertSameGradients(
            () => LeNet.Create(new ImageShape(1, 28, 28), 10, new SeededRandom(3)),
            Random(5, 784, "x", 0f),
            (model, g) => ((Sequential)model).BackwardToParameters(g));

    /// <summary>On the chip, with the ADC's rails blocking some gradients: the analog convolution's kernel gradient.</summary>
    [Fact]
    public void AnAnalogConvolutionOnTheChipAddsTheFullBackwardsGradients()
    {
        var x = Random(3, 36, "x", 0f);
        AssertSameGradients(
            () =>
            {
                var chip = new EmulatedChip(SmallChips.Preset, 3);
                var conv = new Conv2d("conv", 1, 3, 3, SeededRandom.For(1, "w"));
                conv.Bind(new ImageShape(1, 6, 6));
                var layer = (AnalogConv2d)AnalogNetwork.Map(new Sequential(conv), chip.Info).AnalogLayers[0];
                layer.Crossbar.Program(chip, WriteVerifyOptions.SinglePulse);
                layer.Crossbar.Path = ForwardPath.Chip;
                return layer;
            },
            x,
            (layer, g) => layer.BackwardToParameters(g));
    }
}
