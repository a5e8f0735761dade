using AimcHil.Core;

namespace AimcHil.Training.Analog;

/// <summary>Hands out a chip's tiles to layers in order: a layer larger than a tile is split into row blocks (partial
/// sums added digitally) and column blocks.</summary>
public sealed class TileAllocation
{
    private readonly ChipInfo _info;
    private int _next;

    public TileAllocation(ChipInfo info)
    {
        _info = info;
    }

    public int Used => _next;

    /// <summary>Tiles an inputs × outputs matrix spans on this chip: row blocks times column blocks.</summary>
    public static int TilesFor(ChipInfo info, int inputs, int outputs)
    {
        var (rowBlocks, colBlocks) = Blocks(info, inputs, outputs);
        return rowBlocks * colBlocks;
    }

    public IReadOnlyList<TileBlock> Allocate(string layer, int inputs, int outputs)
    {
        var (rowBlocks, colBlocks) = Blocks(_info, inputs, outputs);
        var needed = rowBlocks * colBlocks;
        if (_next + needed > _info.Tiles)
        {
            throw new AimcException(
                $"layer {layer} ({inputs}×{outputs}) needs {needed} tile{(needed == 1 ? string.Empty : "s")} of {_info.Rows}×{_info.Cols}, but the chip {_info.Name} has " +
                $"{_info.Tiles - _next} of its {_info.Tiles} tiles left; use a chip with more tiles or a smaller network");
        }

        var blocks = new List<TileBlock>(needed);
        for (var r = 0; r < rowBlocks; r++)
        {
            for (var c = 0; c < colBlocks; c++)
            {
                var rowStart = r * _info.Rows;
                var colStart = c * _info.Cols;
                blocks.Add(new TileBlock(_next++, rowStart, Math.Min(_info.Rows, inputs - rowStart), colStart, Math.Min(_info.Cols, outputs - colStart)));
            }
        }

        return blocks;
    }

    /// <summary>Row blocks (inputs per tile's rows) and column blocks (outputs per tile's columns) of a matrix.</summary>
    private static (int Rows, int Cols) Blocks(ChipInfo info, int inputs, int outputs) =>
        ((inputs + info.Rows - 1) / info.Rows, (outputs + info.Cols - 1) / info.Cols);
}
