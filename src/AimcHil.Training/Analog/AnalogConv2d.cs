using AimcHil.Core;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Analog;

/// <summary>A Conv2d whose kernel, an (in·kh·kw) × out matrix, sits on chip tiles: every output position of every
/// example is one MVM of its image patch, as aihwkit's analog convolutions run. The host cuts the patches (im2col) and
/// folds their gradients back; everything in between is the kernel's <see cref="AnalogLinear"/>, so every forward path
/// and backward model of a Linear serves a convolution unchanged.</summary>
public sealed class AnalogConv2d : IAnalogLayer
{
    /// <summary>Maps <paramref name="conv"/>, which must be bound to its input shape, onto <paramref name="blocks"/>.</summary>
    public AnalogConv2d(Conv2d conv, IReadOnlyList<TileBlock> blocks, ChipInfo chip)
    {
        Conv = conv;
        Geometry = conv.Geometry;
        Crossbar = new AnalogLinear(conv.Kernel, blocks, chip, 1f);
    }

    /// <summary>The software layer whose parameters the analog one trains.</summary>
    public Conv2d Conv { get; }

    /// <summary>The patch geometry the layer was mapped with.</summary>
    public Im2Col Geometry { get; }

    private Grid<float>? _patches;

    public string Name => Conv.Name;

    public string Kind => "Conv2d";

    public AnalogLinear Crossbar { get; }

    /// <summary>One MVM per tile and output position.</summary>
    public int MvmsPerSample => Crossbar.Blocks.Count * Geometry.Positions;

    public IReadOnlyList<Parameter> Parameters => Conv.Parameters;

    public ImageShape Bind(ImageShape input)
    {
        if (input != Geometry.Input)
        {
            // The tiles were allocated for the patches of the first shape; another image size is another mapping.
            // Checked before Conv.Bind, which would rebind the software layer to the new shape.
            throw new ArgumentException($"{Name}: was mapped onto the chip for {Geometry.Input} images, not {input}; map the model again");
        }

        return Conv.Bind(input);
    }

    public Grid<float> Forward(Grid<float> input, bool training)
    {
        if (input.Cols != Geometry.Input.Size)
        {
            throw new ArgumentException($"{Name}: gets {input.Cols} values per example, but was mapped for {Geometry.Input} = {Geometry.Input.Size}", nameof(input));
        }

        // The crossbar keeps the patches only until the backward pass of this step, so the next forward may reuse them.
        var patches = _patches = Geometry.Unfold(input, 0f, _patches);
        return Im2Col.PositionsToChannels(Crossbar.Forward(patches, training), input.Rows);
    }

    public Grid<float> Backward(Grid<float> outputGradient) =>
        Geometry.Fold(Crossbar.Backward(Im2Col.ChannelsToPositions(outputGradient, Geometry.Positions)));

    public void BackwardToParameters(Grid<float> outputGradient) =>
        Crossbar.BackwardToParameters(Im2Col.ChannelsToPositions(outputGradient, Geometry.Positions));
}
