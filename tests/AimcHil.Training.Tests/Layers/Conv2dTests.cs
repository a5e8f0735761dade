using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Tests.Layers;

public class Conv2dTests
{
    // The layer is linear in x, W and b, so central differences have no truncation error and a large step
    // keeps float rounding noise in the quotient small.
    private const float Step = 1e-2f;

    // In channels, out channels, kh, kw, height, width, stride, padding.
    public static TheoryData<int, int, int, int, int, int, int, int> Geometries => new()
    {
        { 1, 2, 3, 3, 5, 5, 1, 0 },
        { 2, 3, 3, 3, 5, 5, 2, 1 },
        { 3, 2, 2, 3, 4, 5, 1, 1 }, // a non-square kernel over a non-square image
        { 2, 2, 2, 2, 6, 6, 3, 2 }, // stride past the kernel, first windows wholly over padding
        { 2, 3, 1, 1, 3, 4, 2, 0 },
    };

    [Fact]
    public void TwoByTwoKernelOverAThreeByThreeImage()
    {
        // Kernel 1 2 / 3 4, bias 0.5; PyTorch's conv2d is a cross-correlation (the kernel is not flipped).
        var conv = Layer(1, 1, 2, [1, 2, 3, 4], [0.5f]);

        var y = conv.Forward(TestImages.Nine, training: true);

        // (0,0): 1·1 + 2·2 + 4·3 + 5·4 = 37; one column right adds 1 to each pixel, +(1+2+3+4) = +10; one row down
        // adds 3 to each, +30.
        Assert.Equal([37.5f, 47.5f, 67.5f, 77.5f], y.Data);
        Assert.Equal(new ImageShape(1, 2, 2), conv.Geometry.Output(1));
    }

    [Fact]
    public void PaddingOneAndStrideTwo()
    {
        // Padded to 5×5 (see Im2ColTests), windows at padded (0,0), (0,2), (2,0), (2,2) with kernel 1 2 / 3 4:
        //   (0,0): 0 0 / 0 1 → 4·1           = 4
        //   (0,1): 0 0 / 2 3 → 3·2 + 4·3     = 18
        //   (1,0): 0 4 / 0 7 → 2·4 + 4·7     = 36
        //   (1,1): 5 6 / 8 9 → 5 + 12 + 24 + 36 = 77
        var conv = Layer(1, 1, 2, [1, 2, 3, 4], [0f], stride: 2, padding: 1);

        Assert.Equal([4f, 18f, 36f, 77f], conv.Forward(TestImages.Nine, training: true).Data);
    }

    [Fact]
    public void TwoChannelsInAndOutComeOutInNchwOrder()
    {
        // A 2×2×3 image and a 2×2 kernel: 1×2 positions per output channel.
        //   channel 0: 1 2 3    channel 1:  7  8  9
        //              4 5 6               10 11 12
        // Output 0 takes the top-left of channel 0's window (1, then 2); output 1 the bottom-right of channel 1's
        // (11, then 12) plus its bias 0.5. Weight [out, in, kh, kw] row-major.
        float[] weight =
        [
            1, 0, 0, 0, /* out 0, in 1 */ 0, 0, 0, 0,
            /* out 1, in 0 */ 0, 0, 0, 0, /* out 1, in 1 */ 0, 0, 0, 1,
        ];
        var conv = Layer(2, 2, 2, weight, [0f, 0.5f]);
        conv.Bind(new ImageShape(2, 2, 3));

        var y = conv.Forward(new Grid<float>(1, 12, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), training: true);

        // Channel 0's two positions, then channel 1's.
        Assert.Equal([1f, 2f, 11.5f, 12.5f], y.Data);
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void ForwardMatchesTheDefinition(int inChannels, int outChannels, int kh, int kw, int height, int width, int stride, int padding)
    {
        var random = new SeededRandom(7);
        var (conv, output, x) = Bound(random, inChannels, outChannels, (kh, kw), (height, width), stride, padding);

        var y = conv.Forward(x, training: false);

        // y[n, o, oy, ox] = b[o] + Σ_c,ky,kx x[n, c, oy·s − p + ky, ox·s − p + kx] · W[o, c, ky, kx], zero outside.
        Assert.Equal((2, output.Size), (y.Rows, y.Cols));
        for (var n = 0; n < 2; n++)
        {
            for (var o = 0; o < outChannels; o++)
            {
                for (var oy = 0; oy < output.Height; oy++)
                {
                    for (var ox = 0; ox < output.Width; ox++)
                    {
                        double sum = conv.Bias.Value[o];
                        for (var c = 0; c < inChannels; c++)
                        {
                            for (var ky = 0; ky < kh; ky++)
                            {
                                for (var kx = 0; kx < kw; kx++)
                                {
                                    var (iy, ix) = ((oy * stride) - padding + ky, (ox * stride) - padding + kx);
                                    if (iy >= 0 && iy < height && ix >= 0 && ix < width)
                                    {
                                        sum += x[n, (((c * height) + iy) * width) + ix] * conv.Weight.Value[(((((o * inChannels) + c) * kh) + ky) * kw) + kx];
                                    }
                                }
                            }
                        }

                        Assert.Equal(sum, y[n, (((o * output.Height) + oy) * output.Width) + ox], 1e-5);
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void GradientsMatchFiniteDifferences(int inChannels, int outChannels, int kh, int kw, int height, int width, int stride, int padding)
    {
        var random = new SeededRandom(13);
        var (conv, output, x) = Bound(random, inChannels, outChannels, (kh, kw), (height, width), stride, padding);
        var c = GradientCheck.Uniform(random.Fork("c"), 2, output.Size);

        GradientCheck.AssertLayerGradients(conv, x, c, Step);
    }

    [Fact]
    public void BackwardAddsToParameterGradients()
    {
        var random = new SeededRandom(3);
        var conv = new Conv2d("conv", 2, 3, 3, random.Fork("init"), padding: 1);
        var x = GradientCheck.Uniform(random.Fork("x"), 2, 2 * 4 * 4);
        var c = GradientCheck.Uniform(random.Fork("c"), 2, 3 * 4 * 4);
        conv.Forward(x, training: true);
        conv.Backward(c);
        var weightOnce = (float[])conv.Weight.Gradient.Clone();
        var biasOnce = (float[])conv.Bias.Gradient.Clone();

        conv.Backward(c);

        // Twice the gradient up to rounding: the second pass adds its sums onto the first one's, in another order.
        Assert.All(weightOnce.Zip(conv.Weight.Gradient), p => Assert.Equal(2 * p.First, p.Second, 1e-5f * (1 + Math.Abs(p.Second))));
        Assert.All(biasOnce.Zip(conv.Bias.Gradient), p => Assert.Equal(2 * p.First, p.Second, 1e-5f * (1 + Math.Abs(p.Second))));
    }

    [Fact]
    public void ParametersHavePyTorchShapesAndTheKernelSharesThem()
    {
        var conv = new Conv2d("features.0", 3, 16, (5, 3), new SeededRandom(1), stride: 2, padding: 1);

        Assert.Equal([16, 3, 5, 3], conv.Weight.Shape);
        Assert.Equal((16, 45), (conv.Weight.Rows, conv.Weight.Cols));
        Assert.Equal([16], conv.Bias.Shape);
        Assert.Equal(["features.0.weight", "features.0.bias"], conv.Parameters.Select(p => p.Name));
        Assert.Equal((5, 3, 2, 1), (conv.KernelHeight, conv.KernelWidth, conv.Stride, conv.Padding));

        // The crossbar view: one patch of in·kh·kw values to out values, over the very same parameter objects.
        Assert.Equal("features.0", conv.Kernel.Name);
        Assert.Equal((45, 16), (conv.Kernel.Inputs, conv.Kernel.Outputs));
        Assert.Same(conv.Weight, conv.Kernel.Weight);
        Assert.Same(conv.Bias, conv.Kernel.Bias);
    }

    [Fact]
    public void InitializationIsHeUniformOverTheFanInWithZeroBiasAndReproducible()
    {
        var conv = new Conv2d("conv", 4, 20, 3, new SeededRandom(5));
        var again = new Conv2d("conv", 4, 20, 3, new SeededRandom(5));
        var bound = MathF.Sqrt(6f / (4 * 3 * 3));

        Assert.All(conv.Weight.Value, w => Assert.InRange(w, -bound, bound));
        Assert.True(conv.Weight.Value.Max() > 0.9f * bound);
        Assert.True(conv.Weight.Value.Min() < -0.9f * bound);
        Assert.All(conv.Bias.Value, b => Assert.Equal(0f, b));
        Assert.Equal(conv.Weight.Value, again.Weight.Value);
    }

    [Fact]
    public void BindFixesTheGeometryAndReturnsTheOutputShape()
    {
        var conv = new Conv2d("conv1", 1, 6, 5, new SeededRandom(1));

        Assert.Equal(new ImageShape(6, 24, 24), conv.Bind(new ImageShape(1, 28, 28)));
        Assert.Equal((new ImageShape(1, 28, 28), 576, 25), (conv.Geometry.Input, conv.Geometry.Positions, conv.Geometry.PatchSize));
    }

    [Fact]
    public void BindRefusesOtherChannelCounts()
    {
        var conv = new Conv2d("conv1", 3, 6, 5, new SeededRandom(1));

        var image = Assert.Throws<ArgumentException>(() => conv.Bind(new ImageShape(1, 28, 28)));
        var flat = Assert.Throws<ArgumentException>(() => conv.Bind(ImageShape.Flat(784)));

        Assert.Equal("conv1: takes images of 3 channels, but gets 1×28×28", image.Message);
        Assert.Equal("conv1: takes images of 3 channels, but gets 784 flat features", flat.Message);
    }

    [Fact]
    public void BindRefusesAKernelLargerThanThePaddedImage()
    {
        var unpadded = new Conv2d("conv1", 1, 4, 5, new SeededRandom(1));
        var padded = new Conv2d("conv2", 1, 4, 7, new SeededRandom(1), padding: 1);

        Assert.Equal("conv1: a 5×5 kernel does not fit the 3×3 image", Assert.Throws<ArgumentException>(() => unpadded.Bind(new ImageShape(1, 3, 3))).Message);
        Assert.Equal("conv2: a 7×7 kernel does not fit the 3×3 image padded to 5×5", Assert.Throws<ArgumentException>(() => padded.Bind(new ImageShape(1, 3, 3))).Message);
    }

    [Fact]
    public void ForwardWithoutBindInfersASquareImage()
    {
        var conv = new Conv2d("conv1", 3, 2, 3, new SeededRandom(1));

        var y = conv.Forward(new Grid<float>(2, 3 * 10 * 10), training: true);

        Assert.Equal(new ImageShape(3, 10, 10), conv.Geometry.Input);
        Assert.Equal((2, 2 * 8 * 8), (y.Rows, y.Cols));
    }

    [Fact]
    public void ForwardWithoutBindRefusesWhatIsNotASquareImage()
    {
        var conv = new Conv2d("conv1", 3, 2, 3, new SeededRandom(1));

        // 294 = 3 · 98 and 98 is not a square; 301 is not even whole channels.
        var notSquare = Assert.Throws<ArgumentException>(() => conv.Forward(new Grid<float>(1, 294), training: true));
        var notChannels = Assert.Throws<ArgumentException>(() => conv.Forward(new Grid<float>(1, 301), training: true));

        Assert.Equal("conv1: gets 294 values per example, not a square image of 3 channels; call Bind with the input's shape", notSquare.Message);
        Assert.Equal("conv1: gets 301 values per example, not a square image of 3 channels; call Bind with the input's shape", notChannels.Message);
        Assert.Equal("conv1: the image shape is not known yet; call Bind with the input's shape", Assert.Throws<InvalidOperationException>(() => conv.Geometry).Message);
    }

    [Fact]
    public void ForwardAfterBindRefusesAnotherSize()
    {
        var conv = new Conv2d("conv1", 3, 2, 3, new SeededRandom(1));
        conv.Bind(new ImageShape(3, 8, 8));

        var error = Assert.Throws<ArgumentException>(() => conv.Forward(new Grid<float>(1, 3 * 10 * 10), training: true));

        Assert.Equal("conv1: gets 300 values per example, but was bound to 3×8×8 = 192", error.Message);
    }

    // A bound layer with a random bias (so that a lost bias shows) and a random batch of two examples.
    private static (Conv2d Conv, ImageShape Output, Grid<float> X) Bound(
        SeededRandom random, int inChannels, int outChannels, (int, int) kernel, (int Height, int Width) image, int stride, int padding)
    {
        var conv = new Conv2d("conv", inChannels, outChannels, kernel, random.Fork("init"), stride, padding);
        random.Fork("bias").FillUniform(conv.Bias.Value, -0.5f, 0.5f);
        var output = conv.Bind(new ImageShape(inChannels, image.Height, image.Width));
        return (conv, output, GradientCheck.Uniform(random.Fork("x"), 2, inChannels * image.Height * image.Width));
    }

    private static Conv2d Layer(int inChannels, int outChannels, int kernelSize, float[] weight, float[] bias, int stride = 1, int padding = 0)
    {
        var conv = new Conv2d("conv", inChannels, outChannels, kernelSize, new SeededRandom(1), stride, padding);
        weight.CopyTo(conv.Weight.Value, 0);
        bias.CopyTo(conv.Bias.Value, 0);
        return conv;
    }
}
