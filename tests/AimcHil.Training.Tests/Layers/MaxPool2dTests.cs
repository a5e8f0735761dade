using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Tests.Layers;

public class MaxPool2dTests
{
    // Inputs are distinct values at least this far apart, so a step of half of it cannot change which value wins.
    private const float Spacing = 0.05f;
    private const float Step = 5e-3f;

    [Fact]
    public void TwoByTwoWindowsTakeTheirMaximumAndRouteTheGradientToIt()
    {
        //    1  5 | 2  0      windows: 1 5 3 4 → 5 at (0,1);  2 0 8 6 → 8 at (1,2)
        //    3  4 | 8  6              −1 −2 −3 0 → 0 at (3,1); 7 7 9 1 → 9 at (3,2)
        //   −1 −2 | 7  7
        //   −3  0 | 9  1
        var pool = Bound(new MaxPool2d(2), new ImageShape(1, 4, 4));
        var x = new Grid<float>(1, 16, [1, 5, 2, 0, 3, 4, 8, 6, -1, -2, 7, 7, -3, 0, 9, 1]);

        var y = pool.Forward(x, training: true);
        var gx = pool.Backward(new Grid<float>(1, 4, [1, 2, 3, 4]));

        Assert.Equal(2, pool.Stride);
        Assert.Equal([5f, 8f, 0f, 9f], y.Data);
        Assert.Equal([0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 3, 4, 0], gx.Data);
    }

    /// <summary>Windows that tile the image are pooled without a patch matrix: a NaN still wins, the rows and columns
    /// no window reaches get a zero gradient, and a −0 gradient arrives as the fold's 0 + (−0) = +0.</summary>
    [Fact]
    public void TilingWindowsLetNaNWinAndLeaveTheUncoveredEdgeAtZero()
    {
        //   1 NaN 2 | 0 4 9 | 7      3 × 3 windows over 3 × 7: two windows, the last column uncovered.
        //   0  3  2 | 1 9 8 | 100
        //   5  6  4 | 9 2 3 | 50
        var pool = Bound(new MaxPool2d(3), new ImageShape(1, 3, 7));
        var x = new Grid<float>(1, 21, [1, float.NaN, 2, 0, 4, 9, 7, 0, 3, 2, 1, 9, 8, 100, 5, 6, 4, 9, 2, 3, 50]);

        var y = pool.Forward(x, training: true);
        var gx = pool.Backward(new Grid<float>(1, 2, [-0f, 2]));

        Assert.True(float.IsNaN(y.Data[0]));
        Assert.Equal(9f, y.Data[1]);
        Assert.Equal([0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], gx.Data);
        Assert.All(gx.Data, g => Assert.False(float.IsNegative(g)));
    }

    [Fact]
    public void TiesGoToTheFirstMaximumInRowMajorWindowOrder()
    {
        //   3 1 | 5 5     left window: 3 at (0,0) and (1,0), the upper one wins;
        //   3 2 | 0 1     right window: 5 at (0,2) and (0,3), the left one wins.
        var pool = Bound(new MaxPool2d(2), new ImageShape(1, 2, 4));

        var y = pool.Forward(new Grid<float>(1, 8, [3, 1, 5, 5, 3, 2, 0, 1]), training: true);
        var gx = pool.Backward(new Grid<float>(1, 2, [1, 10]));

        Assert.Equal([3f, 5f], y.Data);
        Assert.Equal([1, 0, 10, 0, 0, 0, 0, 0], gx.Data);
    }

    [Fact]
    public void PaddingNeverWins()
    {
        // −1 … −9 padded by 1; 2×2 windows at stride 2 see (padding excluded)
        //   (0,0): −1 → −1     (0,1): −2 −3 → −2     (1,0): −4 −7 → −4     (1,1): −5 −6 −8 −9 → −5
        // Zero padding would have made the first three 0.
        var pool = Bound(new MaxPool2d(2, stride: 2, padding: 1), new ImageShape(1, 3, 3));

        var y = pool.Forward(new Grid<float>(1, 9, [-1, -2, -3, -4, -5, -6, -7, -8, -9]), training: true);
        var gx = pool.Backward(new Grid<float>(1, 4, [1, 2, 3, 4]));

        Assert.Equal([-1f, -2f, -4f, -5f], y.Data);
        Assert.Equal([1, 2, 0, 3, 4, 0, 0, 0, 0], gx.Data);
    }

    [Fact]
    public void OverlappingWindowsSumTheirGradientsOnASharedMaximum()
    {
        // A 2×2 image padded by 1 is 4×4; both 3×3 windows along each axis cover the whole image, so all four
        // outputs are its maximum 4 and all four gradients land on it: 1 + 2 + 3 + 4.
        var pool = Bound(new MaxPool2d(3, stride: 1, padding: 1), new ImageShape(1, 2, 2));

        var y = pool.Forward(new Grid<float>(1, 4, [1, 2, 3, 4]), training: true);
        var gx = pool.Backward(new Grid<float>(1, 4, [1, 2, 3, 4]));

        Assert.Equal([4f, 4f, 4f, 4f], y.Data);
        Assert.Equal([0, 0, 0, 10], gx.Data);
    }

    [Fact]
    public void ChannelsArePooledSeparatelyInNchwOrder()
    {
        // channel 0: 1 2 3 4    channel 1: 10× channel 0
        //            5 6 7 8
        var pool = Bound(new MaxPool2d(2), new ImageShape(2, 2, 4));
        float[] channel = [1, 2, 3, 4, 5, 6, 7, 8];

        var y = pool.Forward(new Grid<float>(1, 16, [.. channel, .. channel.Select(v => 10 * v)]), training: true);

        Assert.Equal(new ImageShape(2, 1, 2), pool.Geometry.Output(2));
        Assert.Equal([6f, 8f, 60f, 80f], y.Data);
    }

    [Theory]
    [InlineData(1, 4, 4, 2, 2, 0)]
    [InlineData(2, 5, 5, 3, 2, 1)]
    [InlineData(2, 4, 5, 3, 1, 1)]
    [InlineData(3, 6, 6, 2, 3, 1)]
    [InlineData(1, 5, 4, 2, 1, 0)]
    public void GradientMatchesFiniteDifferencesWithoutTies(int channels, int height, int width, int kernel, int stride, int padding)
    {
        var random = new SeededRandom(23);
        var shape = new ImageShape(channels, height, width);
        var pool = new MaxPool2d(kernel, stride, padding);
        var output = pool.Bind(shape);
        var x = DistinctValues(random.Fork("x"), 2, shape.Size);
        var c = GradientCheck.Uniform(random.Fork("c"), 2, output.Size);

        GradientCheck.AssertLayerGradients(pool, x, c, Step);
    }

    [Fact]
    public void ShapesAreCheckedWhenBound()
    {
        var pool = new MaxPool2d(3);

        Assert.Empty(pool.Parameters);
        Assert.Equal(new ImageShape(4, 2, 2), pool.Bind(new ImageShape(4, 6, 7)));
        Assert.Equal("maxpool2d: a 3×3 kernel does not fit the 2×2 image", Assert.Throws<ArgumentException>(() => pool.Bind(new ImageShape(4, 2, 2))).Message);
    }

    [Fact]
    public void ForwardNeedsTheImageShape()
    {
        // 576 values are 1×24×24 as well as 4×12×12: a pool, having no channel count of its own, cannot tell.
        var pool = new MaxPool2d(2);

        var error = Assert.Throws<ArgumentException>(() => pool.Forward(new Grid<float>(1, 576), training: true));

        Assert.Equal("maxpool2d: gets 576 values per example but does not know their image shape; call Bind with the input's shape", error.Message);
    }

    [Fact]
    public void PaddingIsAtMostHalfTheKernel()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPool2d(3, padding: 2));

        Assert.StartsWith("maxpool2d: padding must be at most half the kernel size (1)", error.Message);
    }

    private static MaxPool2d Bound(MaxPool2d pool, ImageShape input)
    {
        pool.Bind(input);
        return pool;
    }

    // A shuffle of evenly spaced values: no window holds a tie, and no finite-difference step can create one.
    private static Grid<float> DistinctValues(SeededRandom random, int rows, int cols)
    {
        var values = Enumerable.Range(0, rows * cols).Select(i => (i - (rows * cols / 2)) * Spacing).ToArray();
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = random.NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }

        return new Grid<float>(rows, cols, values);
    }
}
