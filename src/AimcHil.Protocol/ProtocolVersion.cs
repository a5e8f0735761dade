namespace AimcHil.Protocol;

/// <summary>The protocol version this code speaks, and the hash that pins the payload layouts of that version.</summary>
public static class ProtocolVersion
{
    public const byte Major = 1;

    /// <summary>1.1 adds the rig's request limits and the shared-secret challenge to HELLO, AUTH, and the BUSY and
    /// AUTH error codes; a 1.0 host still gets the 1.0 HELLO answer byte for byte.</summary>
    public const byte Minor = 1;

    /// <summary>The message list of PROTOCOL.md section 6 in one line; its CRC-32C is the schema hash in HELLO, so a
    /// firmware built from another draft of the same version is caught at the handshake.</summary>
    public const string Schema =
        "aimc-hil/1.1 HELLO=0001 GET_INFO=0002 AUTH=0003 PROGRAM=0010 READBACK=0011 MVM=0020 CLOCK_GET=0030 CLOCK_ADVANCE=0031 RESEED=0040 BOOT=00F0 LIMITS AUTH=HMAC-SHA256";

    /// <summary>The schema line of protocol 1.0, whose hash a rig still sends to a 1.0 host.</summary>
    public const string Schema10 =
        "aimc-hil/1.0 HELLO=0001 GET_INFO=0002 PROGRAM=0010 READBACK=0011 MVM=0020 CLOCK_GET=0030 CLOCK_ADVANCE=0031 RESEED=0040 BOOT=00F0";

    public static uint SchemaHash { get; } = Crc32C.Compute(System.Text.Encoding.ASCII.GetBytes(Schema));

    public static uint SchemaHash10 { get; } = Crc32C.Compute(System.Text.Encoding.ASCII.GetBytes(Schema10));
}
