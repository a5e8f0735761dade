namespace AimcHil.Core;

/// <summary>One tile's share of a layer's programming: the tile, its targets, the write-verify options, and the
/// weights to rewrite (null: all), as <see cref="IAimcChip.Program(int, Grid{float}, WriteVerifyOptions, Grid{bool}?)"/> takes them.</summary>
public sealed record TileProgramming(int Tile, Grid<float> Targets, WriteVerifyOptions Options, Grid<bool>? Only = null);
