using AimcHil.Core;

namespace AimcHil.Characterization.Procedures;

/// <summary>A tile's worth of weight targets cycling through evenly spaced levels from −1 to 1, interleaved so every
/// level lands on every row and column region (column read-out errors then average out of per-level statistics).</summary>
public static class LevelPattern
{
    public static float Level(int index, int levels) => levels == 1 ? 1f : -1f + (2f * index / (levels - 1));

    public static int LevelIndex(int row, int col, int cols, int levels) => (int)(((long)row * cols + col + row) % levels);

    public static Grid<float> Create(int rows, int cols, int levels)
    {
        if (levels < 2)
        {
            throw new AimcException($"a level pattern needs at least 2 levels, not {levels}");
        }

        var grid = new Grid<float>(rows, cols);
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                grid[i, j] = Level(LevelIndex(i, j, cols, levels), levels);
            }
        }

        return grid;
    }
}
