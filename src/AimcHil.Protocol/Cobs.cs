namespace AimcHil.Protocol;

/// <summary>Consistent Overhead Byte Stuffing: removes every 0x00 from a frame so 0x00 can delimit frames on the wire.</summary>
/// <remarks>The encoding is the canonical one (a final code byte is always written, so 254 non-zero bytes encode as
/// FF …254 bytes… 01); the decoder also accepts the variant that drops that last 01, as some firmware emits it.</remarks>
public static class Cobs
{
    /// <summary>The largest encoded size of <paramref name="length"/> bytes: one code byte per 254 data bytes, plus one.</summary>
    public static int MaxEncodedLength(int length) => length + (length / 254) + 1;

    public static byte[] Encode(ReadOnlySpan<byte> data)
    {
        var output = new byte[MaxEncodedLength(data.Length)];
        var written = Encode(data, output);
        return written == output.Length ? output : output[..written];
    }

    /// <summary>Encodes into <paramref name="output"/> (at least <see cref="MaxEncodedLength"/> bytes) and returns the bytes written.</summary>
    public static int Encode(ReadOnlySpan<byte> data, Span<byte> output)
    {
        var codeAt = 0;
        var at = 1;
        byte code = 1;
        foreach (var b in data)
        {
            if (b == 0)
            {
                output[codeAt] = code;
                codeAt = at++;
                code = 1;
                continue;
            }

            output[at++] = b;
            code++;
            if (code == 0xFF)
            {
                output[codeAt] = code;
                codeAt = at++;
                code = 1;
            }
        }

        output[codeAt] = code;
        return at;
    }

    /// <summary>Decodes one frame's bytes (without the delimiter); false when they are not valid COBS.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> encoded, Span<byte> output, out int written)
    {
        written = 0;
        var at = 0;
        while (at < encoded.Length)
        {
            int code = encoded[at++];
            if (code == 0 || at + code - 1 > encoded.Length)
            {
                return false;
            }

            for (var k = 1; k < code; k++)
            {
                var b = encoded[at++];
                if (b == 0)
                {
                    return false;
                }

                output[written++] = b;
            }

            if (code != 0xFF && at < encoded.Length)
            {
                output[written++] = 0;
            }
        }

        return true;
    }

    public static byte[]? Decode(ReadOnlySpan<byte> encoded)
    {
        var output = new byte[encoded.Length];
        return TryDecode(encoded, output, out var written) ? output[..written] : null;
    }
}
