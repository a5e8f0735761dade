using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Tests.Layers;

public class Im2ColTests
{
    [Fact]
    public void EachWindowBecomesARow()
    {
        var geometry = new Im2Col(new ImageShape(1, 3, 3), 2, 2);

        var patches = geometry.Unfold(TestImages.Nine);

        // (3 − 2)/1 + 1 = 2 windows each way; a window row-major: (y, x), (y, x+1), (y+1, x), (y+1, x+1).
        Assert.Equal((2, 2, 4, 4), (geometry.OutputHeight, geometry.OutputWidth, geometry.Positions, geometry.PatchSize));
        Assert.Equal((4, 4), (patches.Rows, patches.Cols));
        Assert.Equal([1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9], patches.Data);
    }

    [Fact]
    public void PaddingHoldsTheFillValue()
    {
        // Padded by 1 the image is 5×5; 2×2 windows at stride 2 start at padded (0, 0), (0, 2), (2, 0), (2, 2):
        // floor((3 + 2 − 2)/2) + 1 = 2 each way, and the last padded row and column are never reached.
        //   0 0 0 0 0
        //   0 1 2 3 0
        //   0 4 5 6 0
        //   0 7 8 9 0
        var geometry = new Im2Col(new ImageShape(1, 3, 3), 2, 2, stride: 2, padding: 1);
        var image = TestImages.Nine;
        const float inf = float.NegativeInfinity;

        Assert.Equal([0, 0, 0, 1, 0, 0, 2, 3, 0, 4, 0, 7, 5, 6, 8, 9], geometry.Unfold(image).Data);
        Assert.Equal([inf, inf, inf, 1, inf, inf, 2, 3, inf, 4, inf, 7, 5, 6, 8, 9], geometry.Unfold(image, inf).Data);
    }

    [Fact]
    public void AReusedPatchMatrixIsOverwrittenWholeAndAnotherShapeIsNotReused()
    {
        // The same padded geometry as above: a matrix that held −∞ padding must come back with 0 padding, not keep it.
        var geometry = new Im2Col(new ImageShape(1, 3, 3), 2, 2, stride: 2, padding: 1);
        var earlier = geometry.Unfold(TestImages.Nine, float.NegativeInfinity);
        var wrongShape = new Grid<float>(3, 4);

        var reused = geometry.Unfold(TestImages.Nine, 0f, earlier);
        var fresh = geometry.Unfold(TestImages.Nine, 0f, wrongShape);

        Assert.Same(earlier, reused);
        Assert.Equal([0, 0, 0, 1, 0, 0, 2, 3, 0, 4, 0, 7, 5, 6, 8, 9], reused.Data);
        Assert.NotSame(wrongShape, fresh);
        Assert.Equal(reused.Data, fresh.Data);
    }

    [Fact]
    public void ChannelsComeFirstInAPatchAndExamplesFollowEachOther()
    {
        // Two 2×2×2 examples, the second the negative of the first; a 1×2 kernel gives 2 windows (one per row), each
        // of 2 channels × 1 × 2 = 4 values: channel 0's pair, then channel 1's.
        //   channel 0: 1 2   channel 1: 5 6
        //              3 4              7 8
        var geometry = new Im2Col(new ImageShape(2, 2, 2), 1, 2);
        var images = new Grid<float>(2, 8, [1, 2, 3, 4, 5, 6, 7, 8, -1, -2, -3, -4, -5, -6, -7, -8]);

        var patches = geometry.Unfold(images);

        Assert.Equal((2, 1, 4), (geometry.OutputHeight, geometry.OutputWidth, geometry.PatchSize));
        Assert.Equal([1, 2, 5, 6, 3, 4, 7, 8, -1, -2, -5, -6, -3, -4, -7, -8], patches.Data);
    }

    [Theory]
    [InlineData(28, 28, 5, 5, 1, 0, 24, 24)]
    [InlineData(5, 5, 3, 3, 2, 1, 3, 3)] // (5 + 2 − 3)/2 + 1 = 3
    [InlineData(4, 5, 2, 3, 2, 0, 2, 2)] // (4 − 2)/2 + 1 = 2, (5 − 3)/2 + 1 = 2
    [InlineData(3, 3, 2, 2, 2, 1, 2, 2)] // floor(3/2) + 1 = 2
    [InlineData(7, 7, 3, 3, 3, 2, 3, 3)] // floor(8/3) + 1 = 3
    [InlineData(3, 3, 3, 3, 1, 0, 1, 1)] // the kernel exactly fills the image
    public void OutputSizeIsFloorOfThePaddedSpanOverTheStridePlusOne(int height, int width, int kh, int kw, int stride, int padding, int outHeight, int outWidth)
    {
        var geometry = new Im2Col(new ImageShape(2, height, width), kh, kw, stride, padding);

        Assert.Equal((outHeight, outWidth), (geometry.OutputHeight, geometry.OutputWidth));
        Assert.Equal(outHeight * outWidth, geometry.Positions);
        Assert.Equal(2 * kh * kw, geometry.PatchSize);
        Assert.Equal(new ImageShape(6, outHeight, outWidth), geometry.Output(6));
    }

    [Fact]
    public void FoldSumsWhereWindowsOverlap()
    {
        var geometry = new Im2Col(new ImageShape(1, 3, 3), 2, 2);
        var ones = new Grid<float>(4, 4, [.. Enumerable.Repeat(1f, 16)]);

        // Each pixel receives one 1 per window that covers it: the corners 1, the edges 2, the centre all 4.
        Assert.Equal([1, 2, 1, 2, 4, 2, 1, 2, 1], geometry.Fold(ones).Data);
    }

    [Theory]
    [InlineData(1, 3, 3, 2, 2, 1, 0)]
    [InlineData(2, 5, 4, 3, 2, 2, 1)]
    [InlineData(3, 6, 6, 3, 3, 1, 1)]
    [InlineData(2, 7, 5, 1, 1, 2, 0)]
    [InlineData(1, 4, 4, 2, 2, 3, 2)] // windows wholly over padding: padded 8×8, windows at rows 0, 3, 6
    [InlineData(2, 5, 6, 5, 3, 1, 3)] // padding wider than the kernel is tall
    public void FoldIsTheAdjointOfUnfold(int channels, int height, int width, int kh, int kw, int stride, int padding)
    {
        var random = new SeededRandom(31);
        var geometry = new Im2Col(new ImageShape(channels, height, width), kh, kw, stride, padding);
        var x = GradientCheck.Uniform(random.Fork("x"), 3, channels * height * width);
        var y = GradientCheck.Uniform(random.Fork("y"), 3 * geometry.Positions, geometry.PatchSize);

        // <Unfold(x), y> = <x, Fold(y)>: both sum x[i]·y[j] over the same pairs, so only rounding differs.
        var left = GradientCheck.Probe(geometry.Unfold(x), y);
        var right = GradientCheck.Probe(x, geometry.Fold(y));

        Assert.Equal(left, right, 1e-5 * (1 + Math.Abs(left)));
    }

    [Fact]
    public void PositionsToChannelsTransposesEachExample()
    {
        // Two examples of 3 positions with 2 values each; NCHW puts a channel's 3 positions together.
        var rows = new Grid<float>(6, 2, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

        var images = Im2Col.PositionsToChannels(rows, 2);

        Assert.Equal((2, 6), (images.Rows, images.Cols));
        Assert.Equal([1, 3, 5, 2, 4, 6, 7, 9, 11, 8, 10, 12], images.Data);
        Assert.Equal(rows.Data, Im2Col.ChannelsToPositions(images, 3).Data);
    }

    [Fact]
    public void KernelMustFitThePaddedImage()
    {
        var unpadded = Assert.Throws<ArgumentException>(() => new Im2Col(new ImageShape(1, 3, 3), 5, 5));
        var padded = Assert.Throws<ArgumentException>(() => new Im2Col(new ImageShape(1, 3, 3), 2, 7, padding: 1, layer: "conv1"));

        Assert.Equal("im2col: a 5×5 kernel does not fit the 3×3 image", unpadded.Message);
        Assert.Equal("conv1: a 2×7 kernel does not fit the 3×3 image padded to 5×5", padded.Message);
    }

    [Fact]
    public void ImagesMustHaveTheBoundShape()
    {
        var geometry = new Im2Col(new ImageShape(2, 3, 3), 2, 2);

        var error = Assert.Throws<ArgumentException>(() => geometry.Unfold(new Grid<float>(1, 9)));

        Assert.StartsWith("images of shape 2×3×3 have 18 values, not 9", error.Message);
    }
}
