using AimcHil.Core;

namespace AimcHil.Core.Tests;

/// <summary>MvmResult's code-to-MAC conversion, mac = offset[j] + code · scale[j], scalar and vectorized alike.</summary>
public sealed class MvmResultTests
{
    private static MvmResult Result(int batch, int cols)
    {
        var codes = new Grid<int>(batch, cols);
        for (var i = 0; i < codes.Data.Length; i++)
        {
            codes.Data[i] = (i % 7) - 3;
        }

        return new MvmResult
        {
            Codes = codes,
            MacPerCode = Enumerable.Range(0, cols).Select(j => 0.25 * (j + 1)).ToArray(),
            MacOffset = Enumerable.Range(0, cols).Select(j => -0.5 * j).ToArray(),
            SaturatedOutputs = 0,
        };
    }

    [Fact]
    public void ToMacAppliesOffsetAndScalePerColumn()
    {
        var result = Result(1, 2);

        // codes −3, −2: column 0 is 0 + (−3)(0.25), column 1 is −0.5 + (−2)(0.5).
        Assert.Equal(-0.75, result.ToMac(0, 0), 12);
        Assert.Equal(-1.5, result.ToMac(0, 1), 12);
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(3, 19)]
    [InlineData(2, 64)]
    public void AddMacToAccumulatesWhatToMacGivesWhateverTheVectorWidth(int batch, int cols)
    {
        var result = Result(batch, cols);
        var destination = Enumerable.Repeat(1f, batch * cols).ToArray();

        result.AddMacTo(destination);

        for (var s = 0; s < batch; s++)
        {
            for (var j = 0; j < cols; j++)
            {
                Assert.Equal(1 + result.ToMac(s, j), destination[(s * cols) + j], 5);
            }
        }
    }

    [Fact]
    public void AddMacToRefusesADestinationOfAnotherSize()
    {
        var error = Assert.Throws<ArgumentException>(() => Result(2, 3).AddMacTo(new float[5]));
        Assert.StartsWith("destination holds 5 values, the result 2×3", error.Message);
    }

    [Fact]
    public void ColumnsAreTheCodesScalesAndOffsetsOfTheRangeWithTheWholeCount()
    {
        var result = Result(3, 6) with { SaturatedOutputs = 4 };
        var part = result.Columns(new ColumnRange(2, 3));
        Assert.Equal(new[] { -1, 0, 1, -2, -1, 0, -3, -2, -1 }, part.Codes.Data);
        Assert.Equal(new[] { 0.75, 1.0, 1.25 }, part.MacPerCode);
        Assert.Equal(new[] { -1.0, -1.5, -2.0 }, part.MacOffset);
        Assert.Equal(4, part.SaturatedOutputs);
        Assert.Same(result, result.Columns(new ColumnRange(0, 6)));
    }

    [Fact]
    public void ColumnsBeyondTheResultAreRefused()
    {
        var error = Assert.Throws<AimcException>(() => Result(1, 6).Columns(new ColumnRange(4, 3)));
        Assert.Equal("columns 4 to 6 are outside the tile's 6 columns (0 to 5)", error.Message);
    }
}
