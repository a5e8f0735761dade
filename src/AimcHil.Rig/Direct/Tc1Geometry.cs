namespace AimcHil.Rig.Direct;

/// <summary>TC1's GEOMETRY register: the tile shape, the tile count and the width of a signed input code.</summary>
public readonly record struct Tc1Geometry(int Rows, int Cols, int Tiles, int InputBits);
