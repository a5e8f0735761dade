using System.Buffers.Binary;
using AimcHil.Protocol;

namespace AimcHil.Fuzz;

/// <summary>The session target's input format: frames as header fields and payload, without COBS and CRC, so that the
/// fuzzer's mutations reach the server's request handling instead of dying at the CRC check (the frame target covers
/// the codec). Each record: version u8, kind u8, sequence u16, opcode u16, flags u16, payload length u16, payload; a
/// short last record takes what is left.</summary>
internal static class SessionScript
{
    private const int RecordHeader = 10;

    public static List<Frame> Frames(ReadOnlySpan<byte> script)
    {
        var frames = new List<Frame>();
        while (script.Length >= RecordHeader)
        {
            var length = Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(script[8..]), script.Length - RecordHeader);
            frames.Add(new Frame(
                script[0],
                (FrameKind)script[1],
                BinaryPrimitives.ReadUInt16LittleEndian(script[2..]),
                (Opcode)BinaryPrimitives.ReadUInt16LittleEndian(script[4..]),
                (FrameFlags)BinaryPrimitives.ReadUInt16LittleEndian(script[6..]),
                script.Slice(RecordHeader, length).ToArray()));
            script = script[(RecordHeader + length)..];
        }

        return frames;
    }

    public static byte[] Of(IEnumerable<Frame> frames)
    {
        var script = new MemoryStream();
        Span<byte> header = stackalloc byte[RecordHeader];
        foreach (var frame in frames)
        {
            header[0] = frame.Version;
            header[1] = (byte)frame.Kind;
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], frame.Sequence);
            BinaryPrimitives.WriteUInt16LittleEndian(header[4..], (ushort)frame.Opcode);
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)frame.Flags);
            BinaryPrimitives.WriteUInt16LittleEndian(header[8..], checked((ushort)frame.Payload.Length));
            script.Write(header);
            script.Write(frame.Payload);
        }

        return script.ToArray();
    }
}
