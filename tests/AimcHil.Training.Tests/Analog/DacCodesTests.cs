using AimcHil.Numerics;
using AimcHil.Training.Analog;

namespace AimcHil.Training.Tests.Analog;

/// <summary>The vectorized DAC quantizer against the scalar formula, bit for bit.</summary>
public class DacCodesTests
{
    [Theory]
    [InlineData(127, 1f)]
    [InlineData(127, 1.5f)]
    [InlineData(32767, 0.37f)]
    public void CodesAndValuesAreTheScalarRoundingHalfAwayFromZero(int max, float inputRange)
    {
        var codesPerUnit = max / inputRange;
        var unitsPerCode = inputRange / max;
        var values = new List<float>
        {
            0f, -0f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, float.MinValue, 1e-30f, -1e-30f,
        };

        // Exact ties and their neighbours, on both sides of zero and beyond the rails.
        for (var code = -max - 3; code <= max + 3; code += Math.Max(1, max / 50))
        {
            var tie = (code + 0.5f) / codesPerUnit;
            values.AddRange([tie, MathF.BitIncrement(tie), MathF.BitDecrement(tie), code / codesPerUnit]);
        }

        var random = new float[1003];
        SeededRandom.For(1, "dac").FillUniform(random, -1.2f * inputRange, 1.2f * inputRange);
        values.AddRange(random);

        var input = values.ToArray();
        var codes = new int[input.Length];
        var quantized = new float[input.Length];
        DacCodes.Quantize(input, codesPerUnit, unitsPerCode, max, codes, quantized);

        for (var k = 0; k < input.Length; k++)
        {
            var code = (int)Math.Clamp(MathF.Round(input[k] * codesPerUnit, MidpointRounding.AwayFromZero), -max, max);
            Assert.True(code == codes[k], $"input {input[k]:R}: code {codes[k]}, scalar {code}");
            Assert.Equal(BitConverter.SingleToInt32Bits(code * unitsPerCode), BitConverter.SingleToInt32Bits(quantized[k]));
        }
    }
}
