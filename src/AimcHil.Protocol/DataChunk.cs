namespace AimcHil.Protocol;

/// <summary>The DATA payload: u32 byte offset in the bulk object, then the bytes.</summary>
public sealed record DataChunk(uint Offset, byte[] Bytes)
{
    public const int OffsetSize = 4;

    public static byte[] Encode(uint offset, ReadOnlySpan<byte> bytes) => new PayloadWriter(OffsetSize + bytes.Length).U32(offset).Bytes(bytes).ToArray();

    public static DataChunk Decode(byte[] payload)
    {
        var reader = new PayloadReader(payload);
        return new DataChunk(reader.U32(), reader.Rest());
    }
}
