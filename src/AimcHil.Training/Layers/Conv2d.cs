using AimcHil.Core;
using AimcHil.Numerics;

namespace AimcHil.Training.Layers;

/// <summary>2-D convolution (cross-correlation) as PyTorch's <c>torch.nn.Conv2d(in, out, kernel_size, stride, padding)</c>
/// with zero padding: the image is unfolded into patches (<see cref="Im2Col"/>) and <see cref="Kernel"/>, a
/// <see cref="Linear"/> map over the same weight and bias, is applied to every patch, which is also how an analog
/// convolution runs its patches through a crossbar.</summary>
public sealed class Conv2d : ILayer
{
    private Im2Col? _geometry;
    private bool _bound;

    /// <summary>A square <paramref name="kernelSize"/> × <paramref name="kernelSize"/> kernel.</summary>
    /// <inheritdoc cref="Conv2d(string, int, int, ValueTuple{int, int}, SeededRandom, int, int)" path="/remarks"/>
    public Conv2d(string name, int inChannels, int outChannels, int kernelSize, SeededRandom random, int stride = 1, int padding = 0)
        : this(name, inChannels, outChannels, (kernelSize, kernelSize), random, stride, padding)
    {
    }

    /// <summary>A <paramref name="kernelSize"/>.Height × .Width kernel, as <c>kernel_size=(kh, kw)</c>.</summary>
    /// <remarks>Weights are drawn He/Kaiming-uniform from ±sqrt(6 / fan_in), fan_in = in·kh·kw, in the order of the
    /// [out, in, kh, kw] tensor, and biases start at zero, like our <see cref="Linear"/>. PyTorch's default differs
    /// (kaiming_uniform with a = √5, i.e. ±1/sqrt(fan_in), and a bias drawn from the same range), so a model built
    /// here starts from other weights than the same model built in PyTorch; load a state_dict to compare them.</remarks>
    public Conv2d(string name, int inChannels, int outChannels, (int Height, int Width) kernelSize, SeededRandom random, int stride = 1, int padding = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize.Height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize.Width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        Name = name;
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelHeight = kernelSize.Height;
        KernelWidth = kernelSize.Width;
        Stride = stride;
        Padding = padding;
        Weight = new Parameter($"{name}.weight", outChannels, inChannels, KernelHeight, KernelWidth);
        Bias = new Parameter($"{name}.bias", outChannels);
        Kernel = new Linear(name, Weight, Bias);
        Parameters = [Weight, Bias];
        var bound = MathF.Sqrt(6f / Weight.Cols);
        random.FillUniform(Weight.Value, -bound, bound);
    }

    public string Name { get; }

    public int InChannels { get; }

    public int OutChannels { get; }

    public int KernelHeight { get; }

    public int KernelWidth { get; }

    public int Stride { get; }

    /// <summary>Zero rows and columns added on every side of each input channel.</summary>
    public int Padding { get; }

    /// <summary>[out, in, kh, kw], named "{name}.weight"; as a matrix out × (in·kh·kw), the rows of <see cref="Kernel"/>.</summary>
    public Parameter Weight { get; }

    /// <summary>[out], named "{name}.bias".</summary>
    public Parameter Bias { get; }

    /// <summary>The convolution as a linear map from one unfolded patch (in·kh·kw values, in <see cref="Im2Col"/>'s column
    /// order) to out values, over this layer's own <see cref="Weight"/> and <see cref="Bias"/>: what a crossbar holds.</summary>
    public Linear Kernel { get; }

    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The patch geometry fixed by <see cref="Bind"/> (or inferred by the first <see cref="Forward"/>).</summary>
    /// <exception cref="InvalidOperationException">Neither has happened yet.</exception>
    public Im2Col Geometry => _geometry
        ?? throw new InvalidOperationException($"{Name}: the image shape is not known yet; call Bind with the input's shape");

    public ImageShape Bind(ImageShape input)
    {
        if (input.Channels != InChannels)
        {
            var what = input.Height == 1 && input.Width == 1 ? $"{input.Size} flat features" : $"{input}";
            throw new ArgumentException($"{Name}: takes images of {Channels(InChannels)}, but gets {what}");
        }

        _geometry = Fit(input);
        _bound = true;
        return _geometry.Output(OutChannels);
    }

    public Grid<float> Forward(Grid<float> input, bool training)
    {
        var geometry = GeometryFor(input);
        var patches = geometry.Unfold(input);
        return Im2Col.PositionsToChannels(Kernel.Forward(patches, training), input.Rows);
    }

    public Grid<float> Backward(Grid<float> outputGradient)
    {
        var geometry = _geometry ?? throw new InvalidOperationException($"{Name}: Backward called before Forward");
        var patchGradient = Kernel.Backward(Im2Col.ChannelsToPositions(outputGradient, geometry.Positions));
        return geometry.Fold(patchGradient);
    }

    /// <summary>The kernel's gradients alone: no fold of the patch gradient back onto the images.</summary>
    public void BackwardToParameters(Grid<float> outputGradient)
    {
        var geometry = _geometry ?? throw new InvalidOperationException($"{Name}: Backward called before Forward");
        Kernel.BackwardToParameters(Im2Col.ChannelsToPositions(outputGradient, geometry.Positions));
    }

    private Im2Col GeometryFor(Grid<float> input)
    {
        if (_geometry is { } geometry && geometry.Input.Size == input.Cols)
        {
            return geometry;
        }

        if (_bound)
        {
            throw new ArgumentException($"{Name}: gets {input.Cols} values per example, but was bound to {Geometry.Input} = {Geometry.Input.Size}");
        }

        // Without Bind the only shape that can be read off a row is a square image.
        var side = (int)Math.Round(Math.Sqrt((double)input.Cols / InChannels));
        if (input.Cols == 0 || InChannels * side * side != input.Cols)
        {
            throw new ArgumentException($"{Name}: gets {input.Cols} values per example, not a square image of {Channels(InChannels)}; call Bind with the input's shape");
        }

        _geometry = Fit(new ImageShape(InChannels, side, side));
        return _geometry;
    }

    private Im2Col Fit(ImageShape input) => new(input, KernelHeight, KernelWidth, Stride, Padding, Name);

    private static string Channels(int count) => count == 1 ? "1 channel" : $"{count} channels";
}
