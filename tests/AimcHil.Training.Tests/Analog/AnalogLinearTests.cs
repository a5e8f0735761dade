using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Analog;
using AimcHil.Training.Layers;
using AimcHil.Training.Tests.Runs;

namespace AimcHil.Training.Tests.Analog;

/// <summary>The analog layer: chip forward, model backward at the measured (quantized) inputs.</summary>
public class AnalogLinearTests
{
    private static (AnalogLinear Layer, AimcHil.Emulator.EmulatedChip Chip) Mapped(int inputs, int outputs)
    {
        var chip = SmallChips.Chip();
        var linear = new Linear("fc", inputs, outputs, SeededRandom.For(1, "w"));
        var layer = new AnalogLinear(linear, new TileAllocation(chip.Info).Allocate("fc", inputs, outputs), chip.Info, 2f);
        layer.Program(chip, WriteVerifyOptions.SinglePulse);
        layer.Path = ForwardPath.Chip;
        return (layer, chip);
    }

    [Fact]
    public void HilBackwardIsTheModelVectorJacobianProductAtTheMeasuredInputs()
    {
        var (layer, chip) = Mapped(20, 5);
        using var _ = chip;
        var x = new Grid<float>(4, 20);
        SeededRandom.For(2, "x").FillUniform(x.Data, -2.5f, 2.5f);
        var gy = new Grid<float>(4, 5);
        SeededRandom.For(3, "gy").FillUniform(gy.Data, -1f, 1f);

        layer.Forward(x, training: true);
        var gx = layer.Backward(gy);

        // The chip saw x through the DAC: codes of x / 2 (clipped at ±1), 127 levels per unit.
        var xq = new Grid<float>(4, 20);
        for (var k = 0; k < x.Data.Length; k++)
        {
            xq.Data[k] = Math.Clamp(MathF.Round(x.Data[k] / 2f * 127f, MidpointRounding.AwayFromZero), -127, 127) * 2f / 127f;
        }

        var w = layer.Shadow.Weight;
        for (var s = 0; s < 4; s++)
        {
            for (var i = 0; i < 20; i++)
            {
                double expected = 0;
                for (var j = 0; j < 5; j++)
                {
                    expected += gy[s, j] * w.Value[(j * 20) + i];
                }

                Assert.Equal(expected, gx[s, i], 4);
            }
        }

        for (var i = 0; i < 20; i++)
        {
            for (var j = 0; j < 5; j++)
            {
                double expected = 0;
                for (var s = 0; s < 4; s++)
                {
                    expected += xq[s, i] * gy[s, j];
                }

                Assert.Equal(expected, w.Gradient[(j * 20) + i], 4);
            }
        }
    }

    [Fact]
    public void ChipForwardSplitsRowsOverTilesAndAddsThePartialSums()
    {
        var (layer, chip) = Mapped(40, 5);
        using var _ = chip;

        Assert.Equal([0, 16, 32], layer.Blocks.Select(b => b.RowStart));
        var x = new Grid<float>(8, 40);
        SeededRandom.For(4, "x").FillUniform(x.Data, 0f, 2f);
        var measured = layer.Forward(x, training: false);
        layer.Path = ForwardPath.Software;
        var exact = layer.Forward(x, training: false);

        // A noisy chip: the measured outputs follow the exact ones (a block added at the wrong rows or twice gives a
        // ratio near 1 or above). The chip's errors are one draw of its devices (programming noise, 10 % column gains,
        // held 1/f read noise, all shared by the 8 samples), so the ratio is that draw's, here about a third.
        var spread = Math.Sqrt(exact.Data.Average(v => v * v));
        var rms = Math.Sqrt(exact.Data.Zip(measured.Data, (e, m) => (e - m) * (e - m)).Average());
        Assert.InRange(rms / spread, 0.005, 0.5);
    }
}
