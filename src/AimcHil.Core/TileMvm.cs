namespace AimcHil.Core;

/// <summary>One tile's share of a layer's MVMs: the tile, and the batch × n signed DAC codes it gets.</summary>
public sealed record TileMvm(int Tile, Grid<int> InputCodes);
