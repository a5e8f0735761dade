namespace AimcHil.Training.Analog;

/// <summary>The part of a layer's weight matrix that one tile holds: rows [RowStart, RowStart + Rows) of the inputs and
/// columns [ColStart, ColStart + Cols) of the outputs.</summary>
public sealed record TileBlock(int Tile, int RowStart, int Rows, int ColStart, int Cols);
