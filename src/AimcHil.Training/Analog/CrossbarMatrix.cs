using AimcHil.Training.Layers;

namespace AimcHil.Training.Analog;

/// <summary>The matrix a layer puts on tiles, before it is mapped: inputs (word lines) × outputs (bit lines), and the
/// positions per example it is applied at (1 for a Linear, the output pixels for a Conv2d).</summary>
public sealed record CrossbarMatrix(string Name, string Kind, int Inputs, int Outputs, int Positions)
{
    /// <summary>The matrix of a Linear or Conv2d layer, null for layers that stay on the host.</summary>
    public static CrossbarMatrix? Of(ILayer layer) => layer switch
    {
        Linear linear => new CrossbarMatrix(linear.Name, "Linear", linear.Inputs, linear.Outputs, 1),
        Conv2d conv => new CrossbarMatrix(conv.Name, "Conv2d", conv.Kernel.Inputs, conv.Kernel.Outputs, conv.Geometry.Positions),
        _ => null,
    };
}
