using AimcHil.Training.Analog;

namespace AimcHil.Training.Tests.Analog;

/// <summary>A block's cells in crossbar layout are the layer's weights transposed, whatever the block's size.</summary>
public class CrossbarLayoutTests
{
    [Theory]
    [InlineData(0, 7, 0, 5)]
    [InlineData(32, 33, 64, 65)]
    [InlineData(96, 70, 3, 1)]
    public void ABlockIsItsPartOfTheLayerTransposed(int rowStart, int rows, int colStart, int cols)
    {
        const int Inputs = 200;
        const int Outputs = 140;
        var layer = Enumerable.Range(0, Inputs * Outputs).Select(k => (float)k).ToArray();
        var block = new TileBlock(0, rowStart, rows, colStart, cols);
        var cells = new float[rows * cols];

        CrossbarLayout.ToBlock<float>(layer, Inputs, block, cells);

        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                Assert.Equal(layer[((colStart + j) * Inputs) + rowStart + i], cells[(i * cols) + j]);
            }
        }
    }
}
