namespace AimcHil.Protocol;

/// <summary>How PROGRAM_CELLS (protocol 1.2) says which cells it programs (its u8 selection); the host sends whichever
/// is shortest.</summary>
public enum CellSelection : byte
{
    /// <summary>Every cell of the rows × cols grid, in row-major order; the rest of the tile is zeroed (PROGRAM
    /// without a mask).</summary>
    All = 0,

    /// <summary>u32 count, then count gaps as unsigned LEB128: each cell's row-major index minus the previous cell's
    /// minus 1 (the first counts from −1). Every other device keeps its state.</summary>
    Gaps = 1,

    /// <summary>bits[rows·cols], a 1 for each cell programmed. Every other device keeps its state.</summary>
    Bitmap = 2,
}
