namespace AimcHil.Protocol;

/// <summary>The operation a frame belongs to (header bytes 4–5).</summary>
public enum Opcode : ushort
{
    Hello = 0x0001,
    GetInfo = 0x0002,

    /// <summary>Protocol 1.1: the host's answer to the HELLO challenge of a rig that needs a shared secret.</summary>
    Auth = 0x0003,

    Program = 0x0010,
    ReadBack = 0x0011,
    Mvm = 0x0020,
    ClockGet = 0x0030,
    ClockAdvance = 0x0031,
    Reseed = 0x0040,

    /// <summary>EVT only: the device (re)booted; payload u32 boot counter.</summary>
    Boot = 0x00F0,
}
