using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Numerics;
using AimcHil.Training.Analog;
using AimcHil.Training.Layers;
using AimcHil.Training.Tests.Runs;

namespace AimcHil.Training.Tests.Analog;

/// <summary>The analog convolution: every patch one MVM on the kernel's tiles, the backward the convolution's exact
/// vector-Jacobian product at the inputs the chip saw.</summary>
public class AnalogConv2dTests
{
    private const float InputRange = 2f;

    private static (AnalogConv2d Layer, EmulatedChip Chip) Mapped(ChipPreset preset, int inChannels, int outChannels, int kernel, ImageShape input, int padding = 0)
    {
        var chip = new EmulatedChip(preset, 3);
        var conv = new Conv2d("conv", inChannels, outChannels, kernel, SeededRandom.For(1, "w"), padding: padding);
        conv.Bind(input);
        var layer = (AnalogConv2d)AnalogNetwork.Map(new Sequential(conv), chip.Info).AnalogLayers[0];
        layer.Crossbar.InputRange = InputRange;
        layer.Crossbar.Program(chip, WriteVerifyOptions.SinglePulse);
        layer.Crossbar.Path = ForwardPath.Chip;
        return (layer, chip);
    }

    [Fact]
    public void AKernelLargerThanATileSplitsOverTilesAndEveryPatchIsOneMvmPerTile()
    {
        // 2 channels × 3×3 = 18 kernel rows on 16-row tiles: two row blocks (partial sums added on the host); a 5×5
        // image gives 3×3 = 9 positions, so an image costs 2 · 9 = 18 MVMs.
        var (layer, chip) = Mapped(SmallChips.Preset, 2, 4, 3, new ImageShape(2, 5, 5));
        using var _ = chip;

        Assert.Equal([(0, 16), (16, 2)], layer.Crossbar.Blocks.Select(b => (b.RowStart, b.Rows)));
        Assert.Equal(18, layer.MvmsPerSample);
        Assert.Equal("Conv2d", layer.Kind);
    }

    [Fact]
    public void OnAChipWithoutNoiseTheConvolutionIsTheSoftwareOneUpToTheConverters()
    {
        var (layer, chip) = Mapped(SmallChips.Preset.Ideal(), 1, 3, 3, new ImageShape(1, 6, 6), padding: 1);
        using var _ = chip;
        var x = new Grid<float>(4, 36);
        SeededRandom.For(4, "x").FillUniform(x.Data, 0f, InputRange);

        var measured = layer.Forward(x, training: false);
        var exact = layer.Conv.Forward(x, training: false);

        // 8-bit DAC and ADC: the error is a few output LSB (MAC full scale 8 over 127 codes, times the column scale).
        Assert.Equal((4, 3 * 36), (measured.Rows, measured.Cols));
        var spread = Math.Sqrt(exact.Data.Average(v => v * v));
        var rms = Math.Sqrt(exact.Data.Zip(measured.Data, (e, m) => (e - m) * (e - m)).Average());
        Assert.InRange(rms / spread, 0, 0.03);
    }

    [Fact]
    public void HilBackwardIsTheConvolutionsVectorJacobianProductAtTheQuantizedInputs()
    {
        var (layer, chip) = Mapped(SmallChips.Preset, 2, 3, 3, new ImageShape(2, 5, 5), padding: 1);
        using var _ = chip;
        var x = new Grid<float>(3, 50);
        SeededRandom.For(2, "x").FillUniform(x.Data, -2.5f, 2.5f);
        var gy = new Grid<float>(3, 3 * 25);
        SeededRandom.For(3, "gy").FillUniform(gy.Data, -1f, 1f);

        layer.Forward(x, training: true);
        var gx = layer.Backward(gy);
        var weightGradient = (float[])layer.Conv.Weight.Gradient.Clone();
        var biasGradient = (float[])layer.Conv.Bias.Gradient.Clone();

        // The same convolution in software, fed what the chip saw: x through the DAC, codes of x / 2 clipped at ±127.
        var xq = new Grid<float>(3, 50);
        for (var k = 0; k < x.Data.Length; k++)
        {
            xq.Data[k] = Math.Clamp(MathF.Round(x.Data[k] / InputRange * 127f, MidpointRounding.AwayFromZero), -127, 127) * InputRange / 127f;
        }

        layer.Conv.Weight.ZeroGradient();
        layer.Conv.Bias.ZeroGradient();
        layer.Conv.Forward(xq, training: true);
        var expected = layer.Conv.Backward(gy);

        AssertClose(expected.Data, gx.Data);
        AssertClose(layer.Conv.Weight.Gradient, weightGradient);
        AssertClose(layer.Conv.Bias.Gradient, biasGradient);
    }

    [Fact]
    public void ABatchOfPatchesLargerThanOneRequestGoesAsSeveralEachWithItsOwnScale()
    {
        // 32 images of 28×28 with a 3×3 kernel: 32 · 26 · 26 = 21632 patches, more than one request carries.
        var info = new EmulatedChip(SmallChips.Preset, 1).Info;
        using var chip = new RecordingChip(info);
        var conv = new Conv2d("conv", 1, 2, 3, SeededRandom.For(1, "w"));
        conv.Bind(new ImageShape(1, 28, 28));
        var layer = (AnalogConv2d)AnalogNetwork.Map(new Sequential(conv), info).AnalogLayers[0];
        layer.Crossbar.Program(chip, WriteVerifyOptions.SinglePulse);
        layer.Crossbar.Path = ForwardPath.Chip;
        var x = new Grid<float>(32, 784);
        SeededRandom.For(4, "x").FillUniform(x.Data, 0f, 1f);

        var y = layer.Forward(x, training: false);

        Assert.Equal([AnalogLinear.MaxVectorsPerMvm, 21632 - AnalogLinear.MaxVectorsPerMvm], chip.Measured.Select(m => m.Codes.Rows));

        // Patch 16384 (image 24, position 160) is the second answer's first row, converted with that answer's scale.
        var (image, position) = Math.DivRem(AnalogLinear.MaxVectorsPerMvm, 676);
        var second = chip.Measured[1].Result;
        for (var channel = 0; channel < 2; channel++)
        {
            var mac = second.ToMac(0, channel);
            var expected = conv.Bias.Value[channel] + (float)(mac * layer.Crossbar.InputRange * layer.Crossbar.ColumnScale[channel]);
            Assert.Equal(expected, y[image, (channel * 676) + position], 4);
        }
    }

    [Fact]
    public void AnotherImageSizeIsRefusedAndLeavesTheSoftwareLayerAsMapped()
    {
        var (layer, chip) = Mapped(SmallChips.Preset, 1, 2, 3, new ImageShape(1, 6, 6));
        using var _ = chip;

        var error = Assert.Throws<ArgumentException>(() => layer.Bind(new ImageShape(1, 8, 8)));

        Assert.Equal("conv: was mapped onto the chip for 1×6×6 images, not 1×8×8; map the model again", error.Message);
        Assert.Equal(new ImageShape(1, 6, 6), layer.Conv.Geometry.Input);
        Assert.Equal(new ImageShape(2, 4, 4), layer.Bind(new ImageShape(1, 6, 6)));
    }

    [Fact]
    public void AModelThatDoesNotFitIsRefusedWithTheTilesEachLayerNeeds()
    {
        var conv = new Conv2d("0", 2, 20, 3, SeededRandom.For(1, "w"));
        var model = new Sequential(conv, new Relu(), new Flatten(), new Linear("3", 20 * 9, 3, SeededRandom.For(1, "fc")));
        model.Bind(new ImageShape(2, 5, 5));

        var error = Assert.Throws<AimcException>(() => AnalogNetwork.Map(model, new EmulatedChip(SmallChips.Preset, 1).Info));

        // Conv: 18 kernel rows × 20 channels = 2 × 2 blocks; Linear: 180 rows × 3 = 12 × 1 blocks.
        Assert.Equal("the model needs 16 tiles of 16×16 but the chip small-pcm has 4: 0 (Conv2d, 18×20) 4, 3 (Linear, 180×3) 12; use a chip with more tiles or a smaller model", error.Message);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var k = 0; k < expected.Length; k++)
        {
            Assert.True(Math.Abs(expected[k] - actual[k]) <= 1e-4f * (1 + Math.Abs(expected[k])), $"value {k}: {actual[k]} against {expected[k]}");
        }
    }
}
