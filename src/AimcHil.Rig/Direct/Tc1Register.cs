namespace AimcHil.Rig.Direct;

/// <summary>The TC1 register addresses (hil-rigs/direct-tc1.md).</summary>
public enum Tc1Register : byte
{
    Id = 0x00,
    Geometry = 0x01,
    Status = 0x02,
    Tile = 0x10,
    Row = 0x11,
    RowTargets = 0x12,
    RowMask = 0x13,
    ProgramConfig = 0x14,
    Cell = 0x15,
    Pulse = 0x16,
    Verify = 0x17,
    Command = 0x20,
    ReportRow = 0x30,
    Achieved = 0x31,
    Pulses = 0x32,
    ProgramTotals = 0x33,
    Representable = 0x34,
    Unconverged = 0x35,
    Array = 0x40,
    ReadbackRow = 0x41,
}
