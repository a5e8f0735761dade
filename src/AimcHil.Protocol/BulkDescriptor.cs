namespace AimcHil.Protocol;

/// <summary>The payload of a REQ or RSP with the BEGIN flag, and of a COMMIT: the whole object's length and CRC-32C.</summary>
public sealed record BulkDescriptor(uint Length, uint Crc)
{
    public const int Size = 8;

    public byte[] Encode() => new PayloadWriter(Size).U32(Length).U32(Crc).ToArray();

    public static BulkDescriptor Decode(byte[] payload)
    {
        var reader = new PayloadReader(payload);
        var descriptor = new BulkDescriptor(reader.U32(), reader.U32());
        reader.End();
        return descriptor;
    }

    public static BulkDescriptor Of(byte[] bulk) => new((uint)bulk.Length, Crc32C.Compute(bulk));
}
