using System.Numerics.Tensors;
using AimcHil.Core;

namespace AimcHil.Training.Layers;

/// <summary>Rectified linear unit max(x, 0); the gradient at exactly 0 is taken as 0, as PyTorch does.</summary>
public sealed class Relu : ILayer
{
    private Grid<float>? _output;

    public IReadOnlyList<Parameter> Parameters => [];

    public Grid<float> Forward(Grid<float> input, bool training)
    {
        var output = new Grid<float>(input.Rows, input.Cols);
        TensorPrimitives.Max(input.Data, 0f, output.Data);
        _output = output;
        return output;
    }

    public Grid<float> Backward(Grid<float> outputGradient)
    {
        // The output is positive exactly where the input was, so it doubles as the mask.
        var output = _output ?? throw new InvalidOperationException("relu: Backward called before Forward");
        if (outputGradient.Rows != output.Rows || outputGradient.Cols != output.Cols)
        {
            throw new ArgumentException($"the output gradient is {outputGradient.Rows}×{outputGradient.Cols}, the last output {output.Rows}×{output.Cols}", nameof(outputGradient));
        }

        var inputGradient = new Grid<float>(output.Rows, output.Cols);
        var y = output.Data;
        var g = outputGradient.Data;
        var gx = inputGradient.Data;
        for (var i = 0; i < gx.Length; i++)
        {
            gx[i] = y[i] > 0f ? g[i] : 0f;
        }

        return inputGradient;
    }
}
