namespace AimcHil.Protocol;

/// <summary>HELLO from the host: its protocol version and the largest payload and window it accepts.</summary>
public sealed record HelloRequest(byte Major, byte Minor, uint MaxPayload, ushort Window)
{
    public byte[] Encode() => new PayloadWriter(8).U8(Major).U8(Minor).U16(Window).U32(MaxPayload).ToArray();

    public static HelloRequest Decode(byte[] payload)
    {
        var reader = new PayloadReader(payload);
        var major = reader.U8();
        var minor = reader.U8();
        var window = reader.U16();
        var hello = new HelloRequest(major, minor, reader.U32(), window);
        reader.End();
        return hello;
    }
}
