using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace AimcHil.Protocol;

/// <summary>Reads a payload in the wire's layout; any short or inconsistent payload raises <see cref="MalformedPayloadException"/>.</summary>
public sealed class PayloadReader
{
    private readonly byte[] _payload;
    private int _at;

    public PayloadReader(byte[] payload)
    {
        _payload = payload;
    }

    public int Remaining => _payload.Length - _at;

    public byte U8() => Take(1)[0];

    public bool Bool() => U8() switch
    {
        0 => false,
        1 => true,
        var b => throw new MalformedPayloadException($"a boolean byte is {b}, not 0 or 1"),
    };

    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public int I32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public long I64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public double F64() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    public string Str()
    {
        var count = U16();
        try
        {
            return new UTF8Encoding(false, true).GetString(Take(count));
        }
        catch (DecoderFallbackException)
        {
            throw new MalformedPayloadException("a string is not valid UTF-8");
        }
    }

    /// <summary>A dimension: a count between 0 and <paramref name="max"/>.</summary>
    public int Count(string what, int max = 1 << 24)
    {
        var n = I32();
        if (n < 0 || n > max)
        {
            throw new MalformedPayloadException($"{what} is {n}, outside 0..{max}");
        }

        return n;
    }

    /// <summary>The number of cells of a rows × cols grid whose dimensions the payload gave: refused as malformed, not
    /// overflowed, when no payload could hold that many (two counts of up to 2^24 multiply past the Int32 range).</summary>
    public int Cells(int rows, int cols)
    {
        var cells = (long)rows * cols;
        if (cells > Remaining * 8L)
        {
            throw new MalformedPayloadException($"a {rows}×{cols} grid does not fit in the {Remaining} bytes left");
        }

        return (int)cells;
    }

    public float[] F32s(int count) => Array<float>(count);

    public int[] I32s(int count) => Array<int>(count);

    public double[] F64s(int count) => Array<double>(count);

    public bool[] Bits(int count)
    {
        var bytes = Take((int)(((long)count + 7) / 8));
        var values = new bool[count];
        for (var k = 0; k < count; k++)
        {
            values[k] = (bytes[k >> 3] & (1 << (k & 7))) != 0;
        }

        return values;
    }

    /// <summary>Exactly <paramref name="count"/> raw bytes (a nonce, a MAC).</summary>
    public byte[] Fixed(int count) => Take(count).ToArray();

    /// <summary>The next <paramref name="count"/> bytes without a copy (valid while the payload is).</summary>
    public ReadOnlySpan<byte> Span(int count) => Take(count);

    public byte[] Rest() => Take(Remaining).ToArray();

    /// <summary>Fails when bytes are left over: a payload longer than its layout is as wrong as a short one.</summary>
    public void End()
    {
        if (Remaining != 0)
        {
            throw new MalformedPayloadException($"{Remaining} bytes left over after the last field");
        }
    }

    internal static void SwapElements<T>(Span<byte> bytes)
        where T : unmanaged
    {
        var size = Marshal.SizeOf<T>();
        for (var k = 0; k < bytes.Length; k += size)
        {
            bytes.Slice(k, size).Reverse();
        }
    }

    private T[] Array<T>(int count)
        where T : unmanaged
    {
        var size = Marshal.SizeOf<T>();
        if ((long)count * size > Remaining)
        {
            throw new MalformedPayloadException($"{count} values of {size} bytes need {(long)count * size} bytes, {Remaining} are left");
        }

        var values = new T[count];
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        Take(bytes.Length).CopyTo(bytes);
        if (!BitConverter.IsLittleEndian)
        {
            SwapElements<T>(bytes);
        }

        return values;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining)
        {
            throw new MalformedPayloadException($"the payload ends {count - Remaining} bytes early");
        }

        var span = _payload.AsSpan(_at, count);
        _at += count;
        return span;
    }
}
