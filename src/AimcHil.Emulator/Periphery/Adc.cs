using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace AimcHil.Emulator.Periphery;

/// <summary>A column ADC (or time-to-digital converter): uniform quantizer over a signed or unipolar range with a
/// bow-shaped integral non-linearity that is zero at both ends of the range. Exact ties round to even, as the
/// vectorized rounding does (a tie needs a noiseless input exactly between two codes).</summary>
public sealed class Adc
{
    public Adc(int bits, double fullScale, bool unipolar, double inlPeakLsb)
    {
        if (bits is < 1 or > 24)
        {
            throw new AimcHil.Core.AimcException($"adc.bits must be between 1 and 24, not {bits}");
        }

        if (!(fullScale > 0))
        {
            throw new AimcHil.Core.AimcException($"the ADC range must be positive, not {fullScale}");
        }

        Bits = bits;
        Unipolar = unipolar;
        FullScale = fullScale;
        InlPeakLsb = inlPeakLsb;
        if (unipolar)
        {
            CodeMin = 0;
            CodeMax = (1 << bits) - 1;
            Lsb = fullScale / CodeMax;
        }
        else
        {
            CodeMin = -(1 << (bits - 1));
            CodeMax = (1 << (bits - 1)) - 1;
            Lsb = fullScale / (1 << (bits - 1));
        }
    }

    public int Bits { get; }

    public bool Unipolar { get; }

    /// <summary>Input at the top of the range, in conversion units ([0, FullScale] or [−FullScale, FullScale)).</summary>
    public double FullScale { get; }

    public double Lsb { get; }

    public double InlPeakLsb { get; }

    public int CodeMin { get; }

    public int CodeMax { get; }

    /// <summary>The code for an analog value; <paramref name="saturated"/> is set when it hit a rail.</summary>
    public int Convert(double value, out bool saturated)
    {
        var position = value / Lsb;
        if (InlPeakLsb != 0)
        {
            position += InlLsb(value);
        }

        var code = Math.Round(position);
        if (code <= CodeMin)
        {
            saturated = code < CodeMin;
            return CodeMin;
        }

        if (code >= CodeMax)
        {
            saturated = code > CodeMax;
            return CodeMax;
        }

        saturated = false;
        return (int)code;
    }

    /// <summary>Converts a block of analog values in place to their (rounded, clamped) codes, held as floats, and
    /// returns how many hit a rail; the vectorized twin of <see cref="Convert"/> for the MVM hot path.</summary>
    /// <param name="saturated">When not empty, set for each value that hit a rail.</param>
    public int ConvertInPlace(Span<float> values, Span<bool> saturated)
    {
        var invLsb = (float)(1 / Lsb);
        if (InlPeakLsb == 0)
        {
            TensorPrimitives.Multiply(values, invLsb, values);
        }
        else if (!Unipolar)
        {
            // position = v/LSB + peak·(1 − u²), u = v/FS clamped to [−1, 1].
            var buffer = System.Buffers.ArrayPool<float>.Shared.Rent(values.Length);
            var bow = buffer.AsSpan(0, values.Length);
            var fullScale = (float)FullScale;
            TensorPrimitives.Multiply(values, values, bow);
            TensorPrimitives.Min(bow, fullScale * fullScale, bow);
            TensorPrimitives.Multiply(bow, (float)(-InlPeakLsb / (FullScale * FullScale)), bow);
            TensorPrimitives.Add(bow, (float)InlPeakLsb, bow);
            TensorPrimitives.MultiplyAdd(values, invLsb, bow, values);
            System.Buffers.ArrayPool<float>.Shared.Return(buffer);
        }
        else
        {
            for (var k = 0; k < values.Length; k++)
            {
                values[k] = (float)((values[k] * invLsb) + InlLsb(values[k]));
            }
        }

        TensorPrimitives.Round(values, values);
        if (values.IsEmpty || (TensorPrimitives.Min(values) >= CodeMin && TensorPrimitives.Max(values) <= CodeMax))
        {
            return 0;
        }

        var count = 0;
        float min = CodeMin, max = CodeMax;
        for (var k = 0; k < values.Length; k++)
        {
            var v = values[k];
            if (v < min || v > max)
            {
                count++;
                values[k] = v < min ? min : max;
                if (!saturated.IsEmpty)
                {
                    saturated[k] = true;
                }
            }
        }

        return count;
    }

    /// <summary>Converts analog values straight to integer codes in one vectorized pass and returns how many hit a
    /// rail: the hot path of single-conversion domains.</summary>
    public int ConvertToCodes(ReadOnlySpan<float> values, Span<int> codes)
    {
        var invLsb = (float)(1 / Lsb);
        var count = 0;
        var k = 0;
        if (Vector256.IsHardwareAccelerated && !Unipolar)
        {
            // position = v/LSB + peak·(1 − u²), u = v/FS clamped to [−1, 1] (the bow is zero without INL).
            var scale = Vector256.Create(invLsb);
            var peak = Vector256.Create((float)InlPeakLsb);
            var bowPerSquare = Vector256.Create((float)(InlPeakLsb / (FullScale * FullScale)));
            var fullScaleSquared = Vector256.Create((float)(FullScale * FullScale));
            var low = Vector256.Create((float)CodeMin);
            var high = Vector256.Create((float)CodeMax);
            var width = Vector256<float>.Count;
            for (; k <= values.Length - width; k += width)
            {
                var v = Vector256.Create(values.Slice(k, width));
                var position = v * scale;
                if (InlPeakLsb != 0)
                {
                    position += peak - (Vector256.Min(v * v, fullScaleSquared) * bowPerSquare);
                }

                position = Vector256.Round(position);
                var outside = Vector256.LessThan(position, low) | Vector256.GreaterThan(position, high);
                if (outside != Vector256<float>.Zero)
                {
                    count += BitOperations.PopCount(outside.ExtractMostSignificantBits());
                }

                Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(position, low), high)).CopyTo(codes.Slice(k, width));
            }
        }

        for (; k < values.Length; k++)
        {
            codes[k] = Convert(values[k], out var saturated);
            count += saturated ? 1 : 0;
        }

        return count;
    }

    /// <summary>Integral non-linearity at an input, in LSB: InlPeak·(1 − u²) with u = −1 and +1 at the range ends.</summary>
    public double InlLsb(double value)
    {
        var u = Unipolar ? (2 * value / FullScale) - 1 : value / FullScale;
        u = Math.Clamp(u, -1, 1);
        return InlPeakLsb * (1 - (u * u));
    }
}
