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

    /// <summary>Protocol 1.2: programs the cells it lists (all, a gap-coded list or a bitmap) with targets at the
    /// device's precision, and answers with a short report unless the per-weight grids are asked for.</summary>
    ProgramCells = 0x0012,

    Mvm = 0x0020,

    /// <summary>Protocol 1.2: MVM with input and output codes packed at their bit width, and the column scales only
    /// when they differ from the ones the host holds.</summary>
    MvmPacked = 0x0021,

    ClockGet = 0x0030,
    ClockAdvance = 0x0031,
    Reseed = 0x0040,

    /// <summary>EVT only: the device (re)booted; payload u32 boot counter.</summary>
    Boot = 0x00F0,
}
