using System.Numerics.Tensors;
using AimcHil.Core;
using AimcHil.Numerics;

namespace AimcHil.Training.Layers;

/// <summary>Fully connected layer y = x·W + b with W stored inputs × outputs (W[i, j] connects input i to output j,
/// the row × column layout of a crossbar), so the weight matrix can be programmed onto a tile as it is.</summary>
public sealed class Linear : ILayer
{
    private Grid<float>? _input;

    /// <summary>Weights drawn He/Kaiming-uniform from ±sqrt(6 / inputs), the bound that keeps activation variance
    /// steady through ReLU; biases start at zero.</summary>
    public Linear(string name, int inputs, int outputs, SeededRandom random)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        Name = name;
        Weight = new Parameter($"{name}.weight", inputs, outputs);
        Bias = new Parameter($"{name}.bias", 1, outputs);
        var bound = MathF.Sqrt(6f / inputs);
        random.FillUniform(Weight.Value, -bound, bound);
        Parameters = [Weight, Bias];
    }

    public string Name { get; }

    public int Inputs => Weight.Rows;

    public int Outputs => Weight.Cols;

    /// <summary>inputs × outputs, named "{name}.weight".</summary>
    public Parameter Weight { get; }

    /// <summary>1 × outputs, named "{name}.bias".</summary>
    public Parameter Bias { get; }

    public IReadOnlyList<Parameter> Parameters { get; }

    public Grid<float> Forward(Grid<float> input, bool training)
    {
        if (input.Cols != Inputs)
        {
            throw new ArgumentException($"{Name}: the input has {input.Cols} features per example, the layer takes {Inputs}", nameof(input));
        }

        _input = input;
        return Apply(input, Weight.Value, Bias.Value, Outputs);
    }

    public Grid<float> Backward(Grid<float> outputGradient)
    {
        var input = _input ?? throw new InvalidOperationException($"{Name}: Backward called before Forward");
        return Backward(input, outputGradient, Weight.Value, Weight.Gradient, Bias.Gradient);
    }

    /// <summary>y = x·W + b for x of batch × inputs, W of inputs × outputs (row-major) and b of outputs values.</summary>
    public static Grid<float> Apply(Grid<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int outputs)
    {
        var inputs = input.Cols;
        CheckWeight(weight, inputs, outputs);
        if (bias.Length != outputs)
        {
            throw new ArgumentException($"the bias has {bias.Length} values, the layer has {outputs} outputs", nameof(bias));
        }

        var output = new Grid<float>(input.Rows, outputs);
        for (var r = 0; r < output.Rows; r++)
        {
            bias.CopyTo(output.Row(r));
        }

        // beta = 1 lets the product land on the broadcast bias in one pass.
        Blas.Gemm(false, false, input.Rows, outputs, inputs, 1f, input.Data, weight, 1f, output.Data);
        return output;
    }

    /// <summary>The full backward pass of y = x·W + b given the forward input: adds xᵀ·gy to
    /// <paramref name="weightGradient"/> and Σ_batch gy to <paramref name="biasGradient"/>, returns gy·Wᵀ.
    /// Layers whose effective W differs from the trained one (e.g. read back from a chip) pass that W here.</summary>
    public static Grid<float> Backward(
        Grid<float> input,
        Grid<float> outputGradient,
        ReadOnlySpan<float> weight,
        Span<float> weightGradient,
        Span<float> biasGradient)
    {
        AccumulateWeightGradient(input, outputGradient, weightGradient);
        AccumulateBiasGradient(outputGradient, biasGradient);
        return InputGradient(outputGradient, weight, input.Cols);
    }

    /// <summary>gW += xᵀ·gy, with gW inputs × outputs like the weights.</summary>
    public static void AccumulateWeightGradient(Grid<float> input, Grid<float> outputGradient, Span<float> weightGradient)
    {
        CheckBatch(input, outputGradient);
        CheckWeight(weightGradient, input.Cols, outputGradient.Cols);
        Blas.Gemm(true, false, input.Cols, outputGradient.Cols, input.Rows, 1f, input.Data, outputGradient.Data, 1f, weightGradient);
    }

    /// <summary>gb += Σ over the batch of gy.</summary>
    public static void AccumulateBiasGradient(Grid<float> outputGradient, Span<float> biasGradient)
    {
        if (biasGradient.Length != outputGradient.Cols)
        {
            throw new ArgumentException($"the bias gradient has {biasGradient.Length} values, the output gradient {outputGradient.Cols} columns", nameof(biasGradient));
        }

        for (var r = 0; r < outputGradient.Rows; r++)
        {
            TensorPrimitives.Add(biasGradient, outputGradient.Row(r), biasGradient);
        }
    }

    /// <summary>gx = gy·Wᵀ for W of <paramref name="inputs"/> × gy.Cols.</summary>
    public static Grid<float> InputGradient(Grid<float> outputGradient, ReadOnlySpan<float> weight, int inputs)
    {
        var outputs = outputGradient.Cols;
        CheckWeight(weight, inputs, outputs);
        var inputGradient = new Grid<float>(outputGradient.Rows, inputs);
        Blas.Gemm(false, true, outputGradient.Rows, inputs, outputs, 1f, outputGradient.Data, weight, 0f, inputGradient.Data);
        return inputGradient;
    }

    private static void CheckWeight(ReadOnlySpan<float> weight, int inputs, int outputs)
    {
        if (weight.Length != inputs * outputs)
        {
            throw new ArgumentException($"a {inputs}×{outputs} weight matrix needs {inputs * outputs} values, not {weight.Length}", nameof(weight));
        }
    }

    private static void CheckBatch(Grid<float> input, Grid<float> outputGradient)
    {
        if (input.Rows != outputGradient.Rows)
        {
            throw new ArgumentException($"the input has {input.Rows} examples, the output gradient {outputGradient.Rows}", nameof(outputGradient));
        }
    }
}
