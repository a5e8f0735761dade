using AimcHil.Core;

namespace AimcHil.Core.Tests;

/// <summary>Grid is row-major storage that numeric kernels read as spans: its index arithmetic and refusals.</summary>
public sealed class GridTests
{
    [Fact]
    public void IsRowMajor()
    {
        var grid = new Grid<int>(2, 3, [1, 2, 3, 4, 5, 6]);

        Assert.Equal(6, grid[1, 2]);
        Assert.Equal(4, grid[1, 0]);
        Assert.Equal([4, 5, 6], grid.Row(1).ToArray());
        grid.Row(0)[1] = 20;
        Assert.Equal(20, grid.Data[1]);
    }

    [Fact]
    public void RefusesDataOfAnotherSizeSayingBoth()
    {
        var error = Assert.Throws<ArgumentException>(() => new Grid<float>(2, 3, new float[5]));
        Assert.StartsWith("data holds 5 values, a 2×3 grid needs 6", error.Message);
    }

    [Fact]
    public void RefusesNegativeShapes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Grid<float>(-1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Grid<float>(3, -1, []));
    }

    [Fact]
    public void AGridTooLargeToIndexIsRefusedNotWrapped()
    {
        Assert.Throws<OverflowException>(() => new Grid<byte>(65536, 65536));
    }

    [Fact]
    public void CloneOwnsItsData()
    {
        var grid = new Grid<int>(1, 2, [1, 2]);
        var copy = grid.Clone();
        copy[0, 0] = 9;

        Assert.Equal(1, grid[0, 0]);
        Assert.Equal(9, copy[0, 0]);
    }

    [Fact]
    public void TopLeftCopiesTheBlockAndRefusesOneThatDoesNotFit()
    {
        var grid = new Grid<int>(3, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9]);

        Assert.Equal([1, 2, 4, 5], grid.TopLeft(2, 2).Data);
        Assert.Equal("a 4×1 block does not fit a 3×3 grid", Assert.Throws<ArgumentException>(() => grid.TopLeft(4, 1)).Message);
    }
}
