using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Tests.Layers;

public class AvgPool2dTests
{
    // The layer is linear, so a large step costs no truncation error.
    private const float Step = 1e-2f;

    [Fact]
    public void PaddingCountsInTheAverage()
    {
        // count_include_pad = true: padded by 1, each 2×2 window at stride 2 divides by 4 whatever it covers.
        //   (0,0): 0 0 0 1 → 1/4 = 0.25     (0,1): 0 0 2 3 → 5/4 = 1.25
        //   (1,0): 0 4 0 7 → 11/4 = 2.75    (1,1): 5 6 8 9 → 28/4 = 7
        // Backward: the windows do not overlap, so each pixel gets its window's gradient / 4.
        var pool = new AvgPool2d(2, padding: 1);
        pool.Bind(new ImageShape(1, 3, 3));

        var y = pool.Forward(TestImages.Nine, training: true);
        var gx = pool.Backward(new Grid<float>(1, 4, [1, 2, 3, 4]));

        Assert.Equal(2, pool.Stride);
        Assert.Equal([0.25f, 1.25f, 2.75f, 7f], y.Data);
        Assert.Equal([0.25f, 0.5f, 0.5f, 0.75f, 1f, 1f, 0.75f, 1f, 1f], gx.Data);
    }

    [Fact]
    public void OverlappingWindowsShareTheirPixels()
    {
        // Stride 1: windows 1 2 4 5 → 3, 2 3 5 6 → 4, 4 5 7 8 → 6, 5 6 8 9 → 7. With unit output gradients each
        // pixel gets 1/4 per window covering it (see Im2ColTests: 1, 2 or 4 windows).
        var pool = new AvgPool2d(2, stride: 1);
        pool.Bind(new ImageShape(1, 3, 3));

        var y = pool.Forward(TestImages.Nine, training: true);
        var gx = pool.Backward(new Grid<float>(1, 4, [1, 1, 1, 1]));

        Assert.Equal([3f, 4f, 6f, 7f], y.Data);
        Assert.Equal([0.25f, 0.5f, 0.25f, 0.5f, 1f, 0.5f, 0.25f, 0.5f, 0.25f], gx.Data);
    }

    [Fact]
    public void ChannelsArePooledSeparatelyInNchwOrder()
    {
        // channel 0: 1 2 3 4  → (1+2+5+6)/4 = 3.5, (3+4+7+8)/4 = 5.5;  channel 1: 10× channel 0
        //            5 6 7 8
        var pool = new AvgPool2d(2);
        pool.Bind(new ImageShape(2, 2, 4));
        float[] channel = [1, 2, 3, 4, 5, 6, 7, 8];

        var y = pool.Forward(new Grid<float>(1, 16, [.. channel, .. channel.Select(v => 10 * v)]), training: true);

        Assert.Equal([3.5f, 5.5f, 35f, 55f], y.Data);
    }

    [Theory]
    [InlineData(1, 4, 6, 2, 1, 1)]
    [InlineData(2, 5, 5, 3, 2, 1)]
    [InlineData(3, 5, 4, 3, 3, 1)]
    [InlineData(2, 6, 6, 2, 2, 0)]
    public void GradientMatchesFiniteDifferences(int channels, int height, int width, int kernel, int stride, int padding)
    {
        var random = new SeededRandom(29);
        var shape = new ImageShape(channels, height, width);
        var pool = new AvgPool2d(kernel, stride, padding);
        var output = pool.Bind(shape);
        var x = GradientCheck.Uniform(random.Fork("x"), 2, shape.Size);
        var c = GradientCheck.Uniform(random.Fork("c"), 2, output.Size);

        GradientCheck.AssertLayerGradients(pool, x, c, Step);
    }

    [Fact]
    public void ForwardRefusesAnotherSizeThanBound()
    {
        var pool = new AvgPool2d(2);
        pool.Bind(new ImageShape(4, 6, 6));

        var error = Assert.Throws<ArgumentException>(() => pool.Forward(new Grid<float>(1, 100), training: true));

        Assert.Equal("avgpool2d: gets 100 values per example, but was bound to 4×6×6 = 144", error.Message);
        Assert.Empty(pool.Parameters);
    }
}
