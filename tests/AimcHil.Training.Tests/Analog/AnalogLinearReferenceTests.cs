using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Analog;
using AimcHil.Training.Layers;
using AimcHil.Training.Tests.Runs;

namespace AimcHil.Training.Tests.Analog;

/// <summary>The analog layer's host work (targets, moved-weight masks, DAC codes, partial sums, the noisy model's
/// MACs) against the element-by-element formulas it was first written as: bit for bit, except the noisy model's MACs,
/// whose sums run in another order (see <see cref="NoisyModelEvaluationMatchesTheDoubleLoop"/>).</summary>
public class AnalogLinearReferenceTests
{
    private const int Inputs = 40;
    private const int Outputs = 20;

    /// <summary>A 40 → 20 layer on 16 × 16 tiles: 3 row blocks (16, 16, 8) by 2 column blocks (16, 4).</summary>
    private static (AnalogLinear Layer, RecordingChip Chip) Layer(float inputRange = 1.5f)
    {
        var info = SmallChips.Chip().Info with { Tiles = 8 };
        var chip = new RecordingChip(info);
        var linear = new Linear("fc", Inputs, Outputs, SeededRandom.For(1, "w"));
        var layer = new AnalogLinear(linear, new TileAllocation(info).Allocate("fc", Inputs, Outputs), info, inputRange);
        return (layer, chip);
    }

    private static float ReferenceTarget(AnalogLinear layer, int input, int output) =>
        Math.Clamp(layer.Shadow.Weight.Value[(output * Inputs) + input] / layer.ColumnScale[output], -1f, 1f);

    [Fact]
    public void ProgrammedTargetsAreTheClampedNormalizedWeightsBlockByBlock()
    {
        var (layer, chip) = Layer();
        layer.Shadow.Weight.Value[3] = float.NegativeZero;
        Assert.Equal(7 * 6, layer.Program(chip, WriteVerifyOptions.SinglePulse));

        Assert.Equal(layer.Blocks.Count, chip.Programmed.Count);
        for (var b = 0; b < layer.Blocks.Count; b++)
        {
            var block = layer.Blocks[b];
            var (tile, targets, only) = chip.Programmed[b];
            Assert.Equal(block.Tile, tile);
            Assert.Null(only);
            Assert.Equal((block.Rows, block.Cols), (targets.Rows, targets.Cols));
            for (var i = 0; i < block.Rows; i++)
            {
                for (var j = 0; j < block.Cols; j++)
                {
                    var expected = ReferenceTarget(layer, block.RowStart + i, block.ColStart + j);
                    Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(targets[i, j]));
                }
            }
        }
    }

    [Fact]
    public void ReprogrammingSelectsTheWeightsThatMovedMoreThanDeltaAsTheDoubleComparisonDoes()
    {
        var (layer, chip) = Layer();
        layer.Program(chip, WriteVerifyOptions.SinglePulse);
        chip.Programmed.Clear();
        const double Delta = 0.005;
        var w = layer.Shadow.Weight.Value;
        var rng = SeededRandom.For(2, "moves");
        var before = (float[])w.Clone();
        for (var k = 0; k < w.Length; k++)
        {
            w[k] += (float)((rng.NextDouble() - 0.5) * 0.02 * layer.ColumnScale[k / Inputs]);
        }

        // Moves right at the threshold: 0.005 is not a float, and a float move just above or below it must be judged
        // as the double comparison judges it.
        var scale = layer.ColumnScale[0];
        foreach (var (k, move) in new[] { (0, 0.005f), (1, MathF.BitIncrement(0.005f)), (2, MathF.BitDecrement(0.005f)) })
        {
            w[k] = before[k] + (move * scale);
        }

        var programmedBefore = (float[])layer.ProgrammedWeight.Clone();
        var expectedMoved = new bool[w.Length];
        for (var k = 0; k < w.Length; k++)
        {
            expectedMoved[k] = Math.Abs(w[k] - programmedBefore[k]) / layer.ColumnScale[k / Inputs] > Delta;
        }

        layer.ReprogramMoved(chip, Delta, WriteVerifyOptions.SinglePulse);

        Assert.Contains(expectedMoved, m => m);
        Assert.Contains(expectedMoved, m => !m);
        var programmedBlocks = 0;
        foreach (var block in layer.Blocks)
        {
            var any = false;
            for (var i = 0; i < block.Rows; i++)
            {
                for (var j = 0; j < block.Cols; j++)
                {
                    any |= expectedMoved[((block.ColStart + j) * Inputs) + block.RowStart + i];
                }
            }

            if (!any)
            {
                continue;
            }

            var (tile, targets, only) = chip.Programmed[programmedBlocks++];
            Assert.Equal(block.Tile, tile);
            for (var i = 0; i < block.Rows; i++)
            {
                for (var j = 0; j < block.Cols; j++)
                {
                    var k = ((block.ColStart + j) * Inputs) + block.RowStart + i;
                    Assert.Equal(expectedMoved[k], only![i, j]);
                    Assert.Equal(ReferenceTarget(layer, block.RowStart + i, block.ColStart + j), targets[i, j]);
                }
            }
        }

        Assert.Equal(programmedBlocks, chip.Programmed.Count);
        for (var k = 0; k < w.Length; k++)
        {
            Assert.Equal(expectedMoved[k] ? w[k] : programmedBefore[k], layer.ProgrammedWeight[k]);
        }

        // Nothing moved since: no block is programmed.
        chip.Programmed.Clear();
        Assert.Equal(0, layer.ReprogramMoved(chip, Delta, WriteVerifyOptions.SinglePulse));
        Assert.Empty(chip.Programmed);
    }

    [Fact]
    public void ChipForwardSendsTheDacCodesAndAddsEachBlocksMacsAsTheElementFormulasDo()
    {
        var (layer, chip) = Layer(inputRange: 1.5f);
        layer.Program(chip, WriteVerifyOptions.SinglePulse);
        layer.Path = ForwardPath.Chip;
        foreach (var batch in new[] { 5, 9, 5 })
        {
            chip.Measured.Clear();
            var x = new Grid<float>(batch, Inputs);
            SeededRandom.For((ulong)batch, "x").FillUniform(x.Data, -2f, 2f);
            var max = layer.ChipInfo.InputCodeMax;
            var toCode = max / layer.InputRange;
            x.Data[0] = 0.5f / toCode;
            x.Data[1] = -0.5f / toCode;
            x.Data[2] = 2.5f / toCode;
            x.Data[3] = float.NaN;

            var y = layer.Forward(x, training: true);

            var codes = new Grid<int>(batch, Inputs);
            for (var k = 0; k < x.Data.Length; k++)
            {
                codes.Data[k] = (int)Math.Clamp(MathF.Round(x.Data[k] * toCode, MidpointRounding.AwayFromZero), -max, max);
            }

            var expected = new Grid<float>(batch, Outputs);
            for (var s = 0; s < batch; s++)
            {
                layer.Shadow.Bias.Value.CopyTo(expected.Row(s));
            }

            Assert.Equal(layer.Blocks.Count, chip.Measured.Count);
            for (var b = 0; b < layer.Blocks.Count; b++)
            {
                var block = layer.Blocks[b];
                var (tile, sent, result) = chip.Measured[b];
                Assert.Equal(block.Tile, tile);
                for (var s = 0; s < batch; s++)
                {
                    Assert.Equal(codes.Row(s).Slice(block.RowStart, block.Rows).ToArray(), sent.Row(s).ToArray());
                    for (var j = 0; j < block.Cols; j++)
                    {
                        var col = block.ColStart + j;
                        expected[s, col] += (float)(result.ToMac(s, j) * layer.InputRange * layer.ColumnScale[col]);
                    }
                }
            }

            Assert.Equal(expected.Data, y.Data);
        }
    }

    /// <summary>The noisy model's evaluation (its forward pass outside training) rounds per-tile MACs to ADC codes. The
    /// MACs are now one double-precision product per block instead of a loop adding float products in double: the
    /// products are exact in double and only the order of the sums differs, so the MACs agree to about 1e-15 relative
    /// and a code could differ only for a MAC within that of a rounding boundary (none is, in random data).</summary>
    [Fact]
    public void NoisyModelEvaluationMatchesTheDoubleLoop()
    {
        var (layer, _) = Layer(inputRange: 1.5f);
        layer.Path = ForwardPath.NoisyModel;
        var x = new Grid<float>(7, Inputs);
        SeededRandom.For(8, "x").FillUniform(x.Data, -2f, 2f);

        var y = layer.Forward(x, training: false);

        var info = layer.ChipInfo;
        var lsb = info.MacFullScale / (info.AdcCodeMax + 1.0);
        var w = layer.Shadow.Weight.Value;
        var max = info.InputCodeMax;
        var expected = new Grid<float>(7, Outputs);
        var clipped = 0;
        for (var s = 0; s < 7; s++)
        {
            layer.Shadow.Bias.Value.CopyTo(expected.Row(s));
        }

        foreach (var block in layer.Blocks)
        {
            for (var s = 0; s < 7; s++)
            {
                for (var j = 0; j < block.Cols; j++)
                {
                    var col = block.ColStart + j;
                    double mac = 0;
                    for (var i = 0; i < block.Rows; i++)
                    {
                        var input = block.RowStart + i;
                        var code = (int)Math.Clamp(MathF.Round(x[s, input] * (max / layer.InputRange), MidpointRounding.AwayFromZero), -max, max);
                        mac += code * (layer.InputRange / max) * w[(col * Inputs) + input];
                    }

                    var scale = layer.InputRange * layer.ColumnScale[col];
                    var rounded = Math.Round(mac / scale / lsb, MidpointRounding.AwayFromZero);
                    clipped += rounded < info.AdcCodeMin || rounded > info.AdcCodeMax ? 1 : 0;
                    expected[s, col] += (float)(Math.Clamp(rounded, info.AdcCodeMin, info.AdcCodeMax) * lsb * scale);
                }
            }
        }

        Assert.Equal(expected.Data, y.Data);
        Assert.InRange(clipped, 0, expected.Data.Length - 1);
    }
}
