using System.Runtime.Intrinsics;

namespace AimcHil.Training.Analog;

/// <summary>Host values to signed DAC codes, code = clamp(round(x·codesPerUnit), −max, max) rounding half away from
/// zero, and the values the codes stand for, code·unitsPerCode.</summary>
/// <remarks>Eight values at a time with the same float operations as the scalar formula (one multiply, the rounding,
/// one multiply back), so codes and values are bit for bit those of
/// <c>MathF.Round(x * codesPerUnit, MidpointRounding.AwayFromZero)</c>: a hil step quantizes every layer input.</remarks>
internal static class DacCodes
{
    public static void Quantize(ReadOnlySpan<float> input, float codesPerUnit, float unitsPerCode, int max, Span<int> codes, Span<float> values)
    {
        var k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var width = Vector256<float>.Count;
            var toCode = Vector256.Create(codesPerUnit);
            var toValue = Vector256.Create(unitsPerCode);
            var high = Vector256.Create((float)max);
            var low = -high;
            var half = Vector256.Create(0.5f);
            for (; k <= input.Length - width; k += width)
            {
                var scaled = Vector256.Create(input.Slice(k, width)) * toCode;

                // Half away from zero on the magnitude: the fraction |v| − trunc|v| is exact, so comparing it with
                // one half decides exactly as MathF.Round does; the sign goes back on by a bit copy (−0 stays −0).
                var magnitude = Vector256.Abs(scaled);
                var whole = Vector256.Truncate(magnitude);
                var rounded = whole + (Vector256.GreaterThanOrEqual(magnitude - whole, half) & Vector256<float>.One);
                rounded |= scaled & Vector256.Create(-0f);

                // NaN (never a code) keeps the scalar path's answer: Math.Clamp passes it through and (int)NaN is 0.
                var clamped = Vector256.ConditionalSelect(Vector256.Equals(scaled, scaled), Vector256.Min(Vector256.Max(rounded, low), high), Vector256<float>.Zero);
                var code = Vector256.ConvertToInt32(clamped);
                code.CopyTo(codes.Slice(k, width));
                (Vector256.ConvertToSingle(code) * toValue).CopyTo(values.Slice(k, width));
            }
        }

        for (; k < input.Length; k++)
        {
            var code = (int)Math.Clamp(MathF.Round(input[k] * codesPerUnit, MidpointRounding.AwayFromZero), -max, max);
            codes[k] = code;
            values[k] = code * unitsPerCode;
        }
    }
}
