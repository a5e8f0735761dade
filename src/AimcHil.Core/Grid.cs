namespace AimcHil.Core;

/// <summary>A dense row-major matrix of values: weight targets, input codes, ADC codes, device states.</summary>
public sealed class Grid<T>
{
    public Grid(int rows, int cols)
        : this(rows, cols, Allocate(rows, cols))
    {
    }

    public Grid(int rows, int cols, T[] data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if (data.Length != rows * cols)
        {
            throw new ArgumentException($"data holds {data.Length} values, a {rows}×{cols} grid needs {rows * cols}", nameof(data));
        }

        Rows = rows;
        Cols = cols;
        Data = data;
    }

    public int Rows { get; }

    public int Cols { get; }

    /// <summary>Row-major storage, exposed so numeric kernels can work on spans without copying.</summary>
    public T[] Data { get; }

    public T this[int row, int col]
    {
        get => Data[(row * Cols) + col];
        set => Data[(row * Cols) + col] = value;
    }

    public Span<T> Row(int row) => Data.AsSpan(row * Cols, Cols);

    public Grid<T> Clone() => new(Rows, Cols, (T[])Data.Clone());

    /// <summary>A copy of the top-left <paramref name="rows"/> × <paramref name="cols"/> block.</summary>
    public Grid<T> TopLeft(int rows, int cols)
    {
        if (rows > Rows || cols > Cols)
        {
            throw new ArgumentException($"a {rows}×{cols} block does not fit a {Rows}×{Cols} grid");
        }

        var block = new Grid<T>(rows, cols);
        for (var r = 0; r < rows; r++)
        {
            Row(r)[..cols].CopyTo(block.Row(r));
        }

        return block;
    }

    // Checked before allocating, so a negative shape is named as such rather than as an overflow of the product.
    private static T[] Allocate(int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        return new T[checked(rows * cols)];
    }
}
