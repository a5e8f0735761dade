using AimcHil.Core;

namespace AimcHil.Emulator.Mapping;

/// <summary>Multi-bit weights on binary cells: two's complement (bit columns recombined digitally) or sign-magnitude
/// (a sign cell plus binary-weighted magnitude cells). Weights are quantized to q / Q with Q = 2^(bits−1) − 1.</summary>
public sealed class BitSlicedEncoding : IWeightEncoding
{
    public BitSlicedEncoding(WeightEncoding kind, int bits)
    {
        if (kind is not (WeightEncoding.TwosComplementBits or WeightEncoding.SignMagnitudeBits))
        {
            throw new ArgumentException($"{kind} is not a bit-sliced encoding", nameof(kind));
        }

        if (bits is < 2 or > 16)
        {
            throw new AimcException($"weight_bits must be between 2 and 16, not {bits}");
        }

        Kind = kind;
        Bits = bits;
        MaxMagnitude = (1 << (bits - 1)) - 1;
        ArrayNames = kind == WeightEncoding.TwosComplementBits
            ? [.. Enumerable.Range(0, bits).Select(b => $"bit{b}")]
            : ["sign", .. Enumerable.Range(0, bits - 1).Select(b => $"bit{b}")];
    }

    public WeightEncoding Kind { get; }

    public int Bits { get; }

    /// <summary>Q: the integer that stands for weight 1.</summary>
    public int MaxMagnitude { get; }

    public IReadOnlyList<string> ArrayNames { get; }

    public int WeightLevels => (2 * MaxMagnitude) + 1;

    public int Quantize(float weight) => (int)MathF.Round(Math.Clamp(weight, -1f, 1f) * MaxMagnitude, MidpointRounding.AwayFromZero);

    public void Encode(ReadOnlySpan<float> weights, float[][] targets)
    {
        for (var k = 0; k < weights.Length; k++)
        {
            var q = Quantize(weights[k]);
            if (Kind == WeightEncoding.TwosComplementBits)
            {
                var u = q & ((1 << Bits) - 1);
                for (var b = 0; b < Bits; b++)
                {
                    targets[b][k] = (u >> b) & 1;
                }
            }
            else
            {
                targets[0][k] = q < 0 ? 1 : 0;
                var m = Math.Abs(q);
                for (var b = 0; b < Bits - 1; b++)
                {
                    targets[b + 1][k] = (m >> b) & 1;
                }
            }
        }
    }

    public float Decode(float[][] states, int cell)
    {
        double q = 0;
        if (Kind == WeightEncoding.TwosComplementBits)
        {
            for (var b = 0; b < Bits; b++)
            {
                q += BitSignificance(b) * Bit(states[b][cell]);
            }
        }
        else
        {
            for (var b = 0; b < Bits - 1; b++)
            {
                q += (1 << b) * Bit(states[b + 1][cell]);
            }

            q = Bit(states[0][cell]) == 1 ? -q : q;
        }

        return (float)(q / MaxMagnitude);
    }

    /// <summary>Signed significance of two's-complement bit b of this weight: the top bit counts negative.</summary>
    public double BitSignificance(int b) => TwosComplementSignificance(b, Bits);

    /// <summary>Signed significance of bit b of a two's-complement number of <paramref name="bits"/> bits.</summary>
    public static double TwosComplementSignificance(int b, int bits) => b == bits - 1 ? -(double)(1L << b) : 1L << b;

    private static int Bit(float state) => state >= 0.5f ? 1 : 0;
}
