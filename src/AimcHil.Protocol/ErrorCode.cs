namespace AimcHil.Protocol;

/// <summary>Why a request failed: the u16 at the start of a NAK payload (a UTF-8 message follows).</summary>
public enum ErrorCode : ushort
{
    /// <summary>The opcode is not one this firmware knows.</summary>
    UnknownOpcode = 0x0001,

    /// <summary>The payload does not follow the message's layout.</summary>
    BadPayload = 0x0002,

    /// <summary>The request needs a capability the rig did not advertise (RESEED on hardware).</summary>
    Unsupported = 0x0003,

    /// <summary>The device booted (or never saw a HELLO) and serves nothing but HELLO until it gets one.</summary>
    HelloRequired = 0x0004,

    /// <summary>The host's protocol major differs from the device's.</summary>
    Version = 0x0005,

    /// <summary>A bulk object larger than the device can hold.</summary>
    TooLarge = 0x0006,

    /// <summary>COMMIT without a complete bulk object for this sequence, or the object's CRC does not match.</summary>
    Transfer = 0x0007,

    /// <summary>The chip refused the request as a user error (bad tile, shape, code range); the message is the chip's.</summary>
    Chip = 0x0008,

    /// <summary>The chip refused an argument as a programming error (e.g. a mask of the wrong shape).</summary>
    Argument = 0x0009,

    /// <summary>Anything else that went wrong on the device.</summary>
    Internal = 0x000A,

    /// <summary>Another host holds the rig (protocol 1.1): the device serves one host at a time; try again later.</summary>
    Busy = 0x000B,

    /// <summary>The host did not prove it holds the rig's shared secret (protocol 1.1): no AUTH, a wrong answer, or a replay.</summary>
    Auth = 0x000C,
}
