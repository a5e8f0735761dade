namespace AimcHil.Rig.Direct;

/// <summary>What a write to TC1's COMMAND register starts.</summary>
public enum Tc1Command : byte
{
    /// <summary>Program the tile buffer into tile TILE (masked cells); BUSY while it runs, DONE when finished.</summary>
    Program = 0x01,

    /// <summary>Set every ROW_MASK bit: the next PROGRAM writes the whole tile.</summary>
    ClearMask = 0x02,

    /// <summary>Latch the device states of tile TILE for READBACK_ROW reads.</summary>
    Readback = 0x03,
}
