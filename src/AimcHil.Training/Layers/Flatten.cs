using AimcHil.Core;

namespace AimcHil.Training.Layers;

/// <summary>PyTorch's <c>torch.nn.Flatten()</c>: images become flat feature vectors of channels·height·width values.</summary>
/// <remarks>Grid rows are already flat in NCHW order, so the data passes through untouched; the layer exists for the
/// shapes (<see cref="Bind"/> tells the next layer it gets a flat vector) and so that layer indices, and with them
/// parameter names such as "4.weight", match the same nn.Sequential in PyTorch.</remarks>
public sealed class Flatten : ILayer
{
    public IReadOnlyList<Parameter> Parameters => [];

    public ImageShape Bind(ImageShape input) => ImageShape.Flat(input.Size);

    public Grid<float> Forward(Grid<float> input, bool training) => input;

    public Grid<float> Backward(Grid<float> outputGradient) => outputGradient;
}
