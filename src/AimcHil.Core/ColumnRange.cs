namespace AimcHil.Core;

/// <summary>Output columns [Start, Start + Count) of a tile: the part of an MVM a caller needs, as when a layer's
/// block fills only the first columns of its tile.</summary>
public readonly record struct ColumnRange
{
    public ColumnRange(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Start = start;
        Count = count;
    }

    public int Start { get; }

    public int Count { get; }

    /// <summary>One past the last column.</summary>
    public int End => Start + Count;

    /// <summary>Refuses a range that does not lie within a tile of <paramref name="tileCols"/> columns.</summary>
    public void CheckWithin(int tileCols)
    {
        if (End > tileCols)
        {
            throw new AimcException($"columns {Start} to {End - 1} are outside the tile's {tileCols} columns (0 to {tileCols - 1})");
        }
    }

    public override string ToString() => $"[{Start}, {End})";
}
