namespace AimcHil.Training.Analog;

/// <summary>Moves values between a layer's weight layout (outputs × inputs, as PyTorch lays a Linear out) and a tile
/// block's crossbar layout (rows = inputs, columns = outputs): a transpose of the block's part.</summary>
/// <remarks>In square pieces small enough that both the rows read and the columns written stay in the first-level
/// cache: a plain transpose of a 256 × 256 block strides a whole row of floats apart on every write.</remarks>
internal static class CrossbarLayout
{
    private const int Piece = 32;

    /// <summary>block[i, j] = layer[(block.ColStart + j)·inputs + block.RowStart + i] for the block's cells.</summary>
    public static void ToBlock<T>(ReadOnlySpan<T> layer, int inputs, TileBlock block, Span<T> blockCells)
    {
        for (var j0 = 0; j0 < block.Cols; j0 += Piece)
        {
            var j1 = Math.Min(block.Cols, j0 + Piece);
            for (var i0 = 0; i0 < block.Rows; i0 += Piece)
            {
                var i1 = Math.Min(block.Rows, i0 + Piece);
                for (var j = j0; j < j1; j++)
                {
                    var source = layer.Slice(((block.ColStart + j) * inputs) + block.RowStart, block.Rows);
                    for (var i = i0; i < i1; i++)
                    {
                        blockCells[(i * block.Cols) + j] = source[i];
                    }
                }
            }
        }
    }
}
