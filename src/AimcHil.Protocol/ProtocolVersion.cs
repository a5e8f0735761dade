namespace AimcHil.Protocol;

/// <summary>The protocol version this code speaks, and the hash that pins the payload layouts of that version.</summary>
public static class ProtocolVersion
{
    public const byte Major = 1;

    public const byte Minor = 0;

    /// <summary>The message list of PROTOCOL.md section 6 in one line; its CRC-32C is the schema hash in HELLO, so a
    /// firmware built from another draft of the same version is caught at the handshake.</summary>
    public const string Schema =
        "aimc-hil/1.0 HELLO=0001 GET_INFO=0002 PROGRAM=0010 READBACK=0011 MVM=0020 CLOCK_GET=0030 CLOCK_ADVANCE=0031 RESEED=0040 BOOT=00F0";

    public static uint SchemaHash { get; } = Crc32C.Compute(System.Text.Encoding.ASCII.GetBytes(Schema));
}
