using AimcHil.Core;

namespace AimcHil.Training.Layers;

/// <summary>What the 2-D pooling layers share: PyTorch's kernel_size, stride (defaulting to the kernel) and padding,
/// the image shape fixed by <see cref="Bind"/>, and the window walk of <see cref="Im2Col"/> run channel by channel;
/// a subclass only reduces each window and spreads the gradient back over it.</summary>
/// <remarks>Windows stop at the padded image (PyTorch's ceil_mode = false); dilation is not supported.</remarks>
public abstract class Pool2d : ILayer
{
    private readonly string _kind;
    private Im2Col? _geometry;
    private int _batch;

    private protected Pool2d(string kind, int kernelSize, int? stride, int padding)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        var step = stride ?? kernelSize;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(step, nameof(stride));

        // As PyTorch: a wider padding would let a window lie wholly over padding.
        if (padding > kernelSize / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(padding), padding, $"{kind}: padding must be at most half the kernel size ({kernelSize / 2})");
        }

        _kind = kind;
        KernelSize = kernelSize;
        Stride = step;
        Padding = padding;
    }

    public int KernelSize { get; }

    /// <summary>The step between windows; the kernel size unless given, as in PyTorch.</summary>
    public int Stride { get; }

    /// <summary>Rows and columns added on every side of each channel, holding <see cref="Fill"/>.</summary>
    public int Padding { get; }

    public IReadOnlyList<Parameter> Parameters => [];

    /// <summary>The patch geometry fixed by <see cref="Bind"/>; a pool cannot infer it from a row of values because the
    /// channel count is not its own (576 values are 1×24×24 as well as 4×12×12).</summary>
    /// <exception cref="InvalidOperationException">The layer has not been bound yet.</exception>
    public Im2Col Geometry => _geometry
        ?? throw new InvalidOperationException($"{_kind}: the image shape is not known yet; call Bind with the input's shape");

    /// <summary>Values per window: <see cref="KernelSize"/>².</summary>
    private protected int Window => KernelSize * KernelSize;

    /// <summary>What the padding holds.</summary>
    private protected abstract float Fill { get; }

    public ImageShape Bind(ImageShape input)
    {
        _geometry = new Im2Col(input, KernelSize, KernelSize, Stride, Padding, _kind);
        return _geometry.Output(input.Channels);
    }

    public Grid<float> Forward(Grid<float> input, bool training)
    {
        if (_geometry is null)
        {
            throw new ArgumentException($"{_kind}: gets {input.Cols} values per example but does not know their image shape; call Bind with the input's shape");
        }

        if (input.Cols != _geometry.Input.Size)
        {
            throw new ArgumentException($"{_kind}: gets {input.Cols} values per example, but was bound to {_geometry.Input} = {_geometry.Input.Size}");
        }

        _batch = input.Rows;
        if (Padding == 0 && Stride == KernelSize && PoolTiled(input, _geometry) is { } tiled)
        {
            return tiled;
        }

        var patches = _geometry.Unfold(input, Fill);
        var pooled = new Grid<float>(patches.Rows, _geometry.Input.Channels);
        Pool(patches, pooled);
        _batch = input.Rows;
        return Im2Col.PositionsToChannels(pooled, input.Rows);
    }

    public Grid<float> Backward(Grid<float> outputGradient)
    {
        if (_geometry is null || _batch == 0)
        {
            throw new InvalidOperationException($"{_kind}: Backward called before Forward");
        }

        var expected = _geometry.Output(_geometry.Input.Channels).Size;
        if (outputGradient.Rows != _batch || outputGradient.Cols != expected)
        {
            throw new ArgumentException($"the output gradient is {outputGradient.Rows}×{outputGradient.Cols}, the last output {_batch}×{expected}", nameof(outputGradient));
        }

        if (UnpoolTiled(outputGradient, _geometry) is { } tiled)
        {
            return tiled;
        }

        var pooledGradient = Im2Col.ChannelsToPositions(outputGradient, _geometry.Positions);
        var patchGradient = new Grid<float>(pooledGradient.Rows, _geometry.PatchSize);
        Unpool(pooledGradient, patchGradient);
        return _geometry.Fold(patchGradient);
    }

    /// <summary>Windows that tile the image (stride = kernel, no padding) pooled straight from the NCHW images into
    /// the NCHW output, with no patch matrix; null when the layer has no such path. It must equal the patch path
    /// bit for bit.</summary>
    private protected virtual Grid<float>? PoolTiled(Grid<float> images, Im2Col geometry) => null;

    /// <summary>The input gradient after <see cref="PoolTiled"/> (null when the last forward did not take it).</summary>
    private protected virtual Grid<float>? UnpoolTiled(Grid<float> outputGradient, Im2Col geometry) => null;

    /// <summary>Sets pooled[r, c] from the <see cref="Window"/> values of channel c in patch row r, which start at
    /// column c·<see cref="Window"/>, and keeps what <see cref="Unpool"/> needs.</summary>
    private protected abstract void Pool(Grid<float> patches, Grid<float> pooled);

    /// <summary>Spreads pooledGradient[r, c] over the window it came from in a zeroed patch gradient.</summary>
    private protected abstract void Unpool(Grid<float> pooledGradient, Grid<float> patchGradient);
}
