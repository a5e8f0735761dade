namespace AimcHil.Protocol;

/// <summary>The ACK payload of a bulk transfer: every byte below <see cref="Offset"/> has arrived, and the sender may have
/// up to <see cref="Credit"/> DATA frames beyond it in flight.</summary>
public sealed record TransferAck(uint Offset, ushort Credit)
{
    public const int Size = 6;

    public byte[] Encode() => new PayloadWriter(Size).U32(Offset).U16(Credit).ToArray();

    public static TransferAck Decode(byte[] payload)
    {
        var reader = new PayloadReader(payload);
        var ack = new TransferAck(reader.U32(), reader.U16());
        reader.End();
        return ack;
    }
}
