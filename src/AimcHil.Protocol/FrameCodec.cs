using System.Buffers.Binary;

namespace AimcHil.Protocol;

/// <summary>Frame ⇄ wire bytes: 12-byte little-endian header, payload, CRC-32C of both, COBS, then the 0x00 delimiter.</summary>
public static class FrameCodec
{
    public const int HeaderLength = 12;

    public const int CrcLength = 4;

    /// <summary>Payload limit before HELLO has negotiated one, and the default both sides offer.</summary>
    public const int DefaultMaxPayload = 4096;

    /// <summary>Bytes on the wire for a frame with <paramref name="payloadLength"/> bytes of payload, at worst (no zeros to
    /// spare COBS code bytes): header + payload + CRC, one COBS code byte per 254, one more, the delimiter.</summary>
    public static int MaxWireLength(int payloadLength) => Cobs.MaxEncodedLength(HeaderLength + payloadLength + CrcLength) + 1;

    /// <summary>Header, payload and CRC, before COBS.</summary>
    public static byte[] ToRaw(Frame frame)
    {
        var raw = new byte[HeaderLength + frame.Payload.Length + CrcLength];
        var span = raw.AsSpan();
        span[0] = frame.Version;
        span[1] = (byte)frame.Kind;
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], frame.Sequence);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], (ushort)frame.Opcode);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], (ushort)frame.Flags);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], (uint)frame.Payload.Length);
        frame.Payload.CopyTo(span[HeaderLength..]);
        var body = span[..(HeaderLength + frame.Payload.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(span[body.Length..], Crc32C.Compute(body));
        return raw;
    }

    /// <summary>The bytes to write: COBS of header, payload and CRC, then 0x00.</summary>
    public static byte[] Encode(Frame frame)
    {
        var raw = ToRaw(frame);
        var wire = new byte[Cobs.MaxEncodedLength(raw.Length) + 1];
        var written = Cobs.Encode(raw, wire);
        wire[written] = 0;
        return written + 1 == wire.Length ? wire : wire[..(written + 1)];
    }

    /// <summary>Decodes the COBS bytes between two delimiters; the reason when they are not a good frame.</summary>
    public static FrameDecodeResult Decode(ReadOnlySpan<byte> encoded, int maxPayload = int.MaxValue)
    {
        var raw = new byte[encoded.Length];
        if (!Cobs.TryDecode(encoded, raw, out var length))
        {
            return FrameDecodeResult.Fail(FrameRejection.Cobs);
        }

        return DecodeRaw(raw.AsSpan(0, length), maxPayload);
    }

    /// <summary>Checks and splits header, payload and CRC (after COBS decoding).</summary>
    public static FrameDecodeResult DecodeRaw(ReadOnlySpan<byte> raw, int maxPayload = int.MaxValue)
    {
        if (raw.Length < HeaderLength + CrcLength)
        {
            return FrameDecodeResult.Fail(FrameRejection.Short);
        }

        var body = raw[..^CrcLength];
        if (Crc32C.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(raw[^CrcLength..]))
        {
            return FrameDecodeResult.Fail(FrameRejection.Crc);
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(raw[8..]);
        if (length != (uint)(body.Length - HeaderLength))
        {
            return FrameDecodeResult.Fail(FrameRejection.Length);
        }

        if (length > (uint)maxPayload)
        {
            return FrameDecodeResult.Fail(FrameRejection.TooLarge);
        }

        if (raw[0] != ProtocolVersion.Major)
        {
            return FrameDecodeResult.Fail(FrameRejection.Version);
        }

        var kind = (FrameKind)raw[1];
        if (kind is < FrameKind.Request or > FrameKind.Event)
        {
            return FrameDecodeResult.Fail(FrameRejection.Kind);
        }

        return FrameDecodeResult.Ok(new Frame(
            raw[0],
            kind,
            BinaryPrimitives.ReadUInt16LittleEndian(raw[2..]),
            (Opcode)BinaryPrimitives.ReadUInt16LittleEndian(raw[4..]),
            (FrameFlags)BinaryPrimitives.ReadUInt16LittleEndian(raw[6..]),
            body[HeaderLength..].ToArray()));
    }
}
