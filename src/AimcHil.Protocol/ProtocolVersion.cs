namespace AimcHil.Protocol;

/// <summary>The protocol version this code speaks, and the hashes that pin the payload layouts of each minor version.</summary>
public static class ProtocolVersion
{
    public const byte Major = 1;

    /// <summary>1.1 adds the rig's request limits and the shared-secret challenge to HELLO, AUTH, and the BUSY and
    /// AUTH error codes; 1.2 adds MVM_PACKED and PROGRAM_CELLS (codes at their bit width, sparse reprogramming,
    /// short programming reports); 1.3 adds PIPELINE (several requests in flight, PROTOCOL.md section 4.1). A host or
    /// rig of a lower minor still gets its own layouts byte for byte.</summary>
    public const byte Minor = 3;

    /// <summary>The message list of PROTOCOL.md section 6 in one line; its CRC-32C is the schema hash in HELLO, so a
    /// firmware built from another draft of the same version is caught at the handshake.</summary>
    public const string Schema =
        "aimc-hil/1.3 HELLO=0001 GET_INFO=0002 AUTH=0003 PROGRAM=0010 READBACK=0011 PROGRAM_CELLS=0012 MVM=0020 MVM_PACKED=0021 CLOCK_GET=0030 CLOCK_ADVANCE=0031 RESEED=0040 BOOT=00F0 LIMITS AUTH=HMAC-SHA256 PIPELINE";

    /// <summary>The schema line of protocol 1.2, whose hash a rig still sends to a 1.2 host.</summary>
    public const string Schema12 =
        "aimc-hil/1.2 HELLO=0001 GET_INFO=0002 AUTH=0003 PROGRAM=0010 READBACK=0011 PROGRAM_CELLS=0012 MVM=0020 MVM_PACKED=0021 CLOCK_GET=0030 CLOCK_ADVANCE=0031 RESEED=0040 BOOT=00F0 LIMITS AUTH=HMAC-SHA256";

    /// <summary>The schema line of protocol 1.1, whose hash a rig still sends to a 1.1 host.</summary>
    public const string Schema11 =
        "aimc-hil/1.1 HELLO=0001 GET_INFO=0002 AUTH=0003 PROGRAM=0010 READBACK=0011 MVM=0020 CLOCK_GET=0030 CLOCK_ADVANCE=0031 RESEED=0040 BOOT=00F0 LIMITS AUTH=HMAC-SHA256";

    /// <summary>The schema line of protocol 1.0, whose hash a rig still sends to a 1.0 host.</summary>
    public const string Schema10 =
        "aimc-hil/1.0 HELLO=0001 GET_INFO=0002 PROGRAM=0010 READBACK=0011 MVM=0020 CLOCK_GET=0030 CLOCK_ADVANCE=0031 RESEED=0040 BOOT=00F0";

    public static uint SchemaHash { get; } = Hash(Schema);

    public static uint SchemaHash12 { get; } = Hash(Schema12);

    public static uint SchemaHash11 { get; } = Hash(Schema11);

    public static uint SchemaHash10 { get; } = Hash(Schema10);

    /// <summary>The schema hash of minor version <paramref name="minor"/> of this major (a minor above this code's
    /// own has layouts this code does not know, so it has no hash here).</summary>
    public static uint SchemaHashOf(byte minor) => minor switch
    {
        0 => SchemaHash10,
        1 => SchemaHash11,
        2 => SchemaHash12,
        3 => SchemaHash,
        _ => throw new ArgumentOutOfRangeException(nameof(minor), $"protocol {Major}.{minor} is newer than this code's {Major}.{Minor}"),
    };

    private static uint Hash(string schema) => Crc32C.Compute(System.Text.Encoding.ASCII.GetBytes(schema));
}
