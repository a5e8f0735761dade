namespace AimcHil.Protocol;

/// <summary>Integer codes at their bit width (protocol 1.2's <c>packed[n; w, s]</c>): n values of w bits each, two's
/// complement when signed, concatenated LSB-first into one bit stream; the last byte's unused bits are zero. At 8 and
/// 16 bits this is exactly one byte or one little-endian i16 per code.</summary>
public static class PackedCodes
{
    /// <summary>The fewest bits that hold every integer in [<paramref name="min"/>, <paramref name="max"/>]: two's
    /// complement when <paramref name="signed"/>, else unsigned (which needs min ≥ 0).</summary>
    public static int BitsFor(long min, long max, bool signed)
    {
        if (!signed && min < 0)
        {
            throw new ArgumentException($"unsigned codes cannot hold {min}", nameof(min));
        }

        for (var bits = 1; bits < 32; bits++)
        {
            var (low, high) = Range(bits, signed);
            if (min >= low && max <= high)
            {
                return bits;
            }
        }

        return 32;
    }

    /// <summary>The integers a <paramref name="bits"/>-wide code holds.</summary>
    public static (long Min, long Max) Range(int bits, bool signed) =>
        signed ? (-(1L << (bits - 1)), (1L << (bits - 1)) - 1) : (0, (1L << bits) - 1);

    public static int ByteCount(long count, int bits) => (int)(((count * bits) + 7) / 8);

    /// <summary>Appends <paramref name="codes"/> at <paramref name="bits"/> each; every code must fit (the caller
    /// chose the width from them), so nothing is silently wrapped.</summary>
    public static void Write(PayloadWriter writer, ReadOnlySpan<int> codes, int bits, bool signed)
    {
        CheckWidth(bits);
        var (min, max) = Range(bits, signed);
        var bytes = writer.Reserve(ByteCount(codes.Length, bits));
        if (bits == 8)
        {
            for (var k = 0; k < codes.Length; k++)
            {
                bytes[k] = (byte)Fit(codes[k], min, max);
            }

            return;
        }

        ulong buffer = 0;
        int filled = 0, at = 0;
        var mask = bits == 32 ? uint.MaxValue : (1u << bits) - 1;
        foreach (var code in codes)
        {
            buffer |= ((ulong)(uint)Fit(code, min, max) & mask) << filled;
            filled += bits;
            while (filled >= 8)
            {
                bytes[at++] = (byte)buffer;
                buffer >>= 8;
                filled -= 8;
            }
        }

        if (filled > 0)
        {
            bytes[at] = (byte)buffer;
        }
    }

    /// <summary>Reads <paramref name="count"/> codes of <paramref name="bits"/> each; padding bits that are not zero
    /// make the payload malformed, so one encoding has one byte string.</summary>
    public static int[] Read(PayloadReader reader, int count, int bits, bool signed)
    {
        if (bits is < 1 or > 32)
        {
            throw new MalformedPayloadException($"a code width of {bits} bits is outside 1..32");
        }

        var byteCount = (long)count * bits;
        if ((byteCount + 7) / 8 > reader.Remaining)
        {
            throw new MalformedPayloadException($"{count} codes of {bits} bits need {(byteCount + 7) / 8} bytes, {reader.Remaining} are left");
        }

        var bytes = reader.Span(ByteCount(count, bits));
        var codes = new int[count];
        if (bits == 8)
        {
            for (var k = 0; k < count; k++)
            {
                codes[k] = signed ? (sbyte)bytes[k] : bytes[k];
            }

            return codes;
        }

        ulong buffer = 0;
        int filled = 0, at = 0;
        var mask = bits == 32 ? uint.MaxValue : (1u << bits) - 1;
        var shift = 32 - bits;
        for (var k = 0; k < count; k++)
        {
            while (filled < bits)
            {
                buffer |= (ulong)bytes[at++] << filled;
                filled += 8;
            }

            var raw = (uint)buffer & mask;
            codes[k] = signed ? ((int)(raw << shift)) >> shift : (int)raw;
            buffer >>= bits;
            filled -= bits;
        }

        if (buffer != 0)
        {
            throw new MalformedPayloadException($"the padding bits after {count} codes of {bits} bits are not zero");
        }

        return codes;
    }

    private static void CheckWidth(int bits)
    {
        if (bits is < 1 or > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), $"a code width of {bits} bits is outside 1..32");
        }
    }

    private static int Fit(int code, long min, long max) =>
        code >= min && code <= max ? code : throw new ArgumentException($"code {code} does not fit [{min}, {max}]");
}
