namespace AimcHil.Core;

/// <summary>One tile's share of a layer's MVMs: the tile, the batch × n signed DAC codes it gets, and the output
/// columns wanted (null: all of them; see <see cref="IAimcChip.Mvm(int, Grid{int}, ColumnRange)"/>).</summary>
public sealed record TileMvm(int Tile, Grid<int> InputCodes, ColumnRange? Columns = null);
