namespace AimcHil.Core;

/// <summary>One weight cell of a tile.</summary>
public readonly record struct CellAddress(int Row, int Col);
