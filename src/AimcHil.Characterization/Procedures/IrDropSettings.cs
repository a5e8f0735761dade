namespace AimcHil.Characterization.Procedures;

/// <summary>Settings of <see cref="IrDropProcedure"/>: the tile, the uniform weight, how many single-row positions and
/// how many MVMs per drive.</summary>
public sealed record IrDropSettings(int Tile = 0, double Weight = 0.5, int RowPositions = 16, int Repeats = 4);
