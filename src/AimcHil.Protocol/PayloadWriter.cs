using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace AimcHil.Protocol;

/// <summary>Builds a payload in the wire's little-endian layout; floats go as raw IEEE-754 bits so results stay bit-exact.</summary>
public sealed class PayloadWriter
{
    private byte[] _buffer;
    private int _length;

    public PayloadWriter(int capacity = 64)
    {
        _buffer = new byte[Math.Max(16, capacity)];
    }

    public int Length => _length;

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    public PayloadWriter U8(byte value)
    {
        Take(1)[0] = value;
        return this;
    }

    public PayloadWriter Bool(bool value) => U8(value ? (byte)1 : (byte)0);

    public PayloadWriter U16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(Take(2), value);
        return this;
    }

    public PayloadWriter I32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(Take(4), value);
        return this;
    }

    public PayloadWriter U32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(Take(4), value);
        return this;
    }

    public PayloadWriter I64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);
        return this;
    }

    public PayloadWriter U64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(Take(8), value);
        return this;
    }

    public PayloadWriter F64(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(Take(8), value);
        return this;
    }

    /// <summary>u16 byte count, then UTF-8.</summary>
    public PayloadWriter Str(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        if (count > ushort.MaxValue)
        {
            throw new ArgumentException($"a string of {count} UTF-8 bytes does not fit a u16 length", nameof(value));
        }

        U16((ushort)count);
        Encoding.UTF8.GetBytes(value, Take(count));
        return this;
    }

    public PayloadWriter Bytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Take(bytes.Length));
        return this;
    }

    /// <summary>The next <paramref name="count"/> bytes of the payload, for a caller that writes them in place.</summary>
    public Span<byte> Reserve(int count) => Take(count);

    public PayloadWriter F32s(ReadOnlySpan<float> values) => Array(values);

    public PayloadWriter I32s(ReadOnlySpan<int> values) => Array(values);

    public PayloadWriter F64s(ReadOnlySpan<double> values) => Array(values);

    /// <summary>Bits packed LSB-first, 8 per byte, the last byte padded with zeros.</summary>
    public PayloadWriter Bits(ReadOnlySpan<bool> values)
    {
        var bytes = Take((values.Length + 7) / 8);
        bytes.Clear();
        for (var k = 0; k < values.Length; k++)
        {
            if (values[k])
            {
                bytes[k >> 3] |= (byte)(1 << (k & 7));
            }
        }

        return this;
    }

    private PayloadWriter Array<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values);
        var target = Take(bytes.Length);
        bytes.CopyTo(target);
        if (!BitConverter.IsLittleEndian)
        {
            PayloadReader.SwapElements<T>(target);
        }

        return this;
    }

    private Span<byte> Take(int count)
    {
        if (_length + count > _buffer.Length)
        {
            System.Array.Resize(ref _buffer, Math.Max(_length + count, _buffer.Length * 2));
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
