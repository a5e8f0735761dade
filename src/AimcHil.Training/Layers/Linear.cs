using System.Numerics.Tensors;
using AimcHil.Core;
using AimcHil.Numerics;

namespace AimcHil.Training.Layers;

/// <summary>Fully connected layer y = x·Wᵀ + b, as PyTorch's <c>torch.nn.Linear</c>: W is outputs × inputs (W[j, i]
/// connects input i to output j), so state_dicts travel to and from PyTorch as they are; mapping onto a crossbar,
/// whose rows are the inputs, transposes it.</summary>
public sealed class Linear : ILayer
{
    private Grid<float>? _input;

    /// <summary>Weights drawn He/Kaiming-uniform from ±sqrt(6 / inputs), the bound that keeps activation variance
    /// steady through ReLU; biases start at zero.</summary>
    /// <remarks>The draws fill the inputs × outputs matrix row by row and are then transposed, so a seed gives the
    /// same network as before the layout followed PyTorch's.</remarks>
    public Linear(string name, int inputs, int outputs, SeededRandom random)
        : this(name, new Parameter($"{name}.weight", outputs, inputs), new Parameter($"{name}.bias", outputs))
    {
        var bound = MathF.Sqrt(6f / inputs);
        var drawn = new float[inputs * outputs];
        random.FillUniform(drawn, -bound, bound);
        for (var i = 0; i < inputs; i++)
        {
            for (var j = 0; j < outputs; j++)
            {
                Weight.Value[(j * inputs) + i] = drawn[(i * outputs) + j];
            }
        }
    }

    /// <summary>A linear map over existing parameters: <paramref name="weight"/> seen as outputs × inputs (the first
    /// dimension by the product of the others) and a bias of outputs values; a Conv2d's kernel is such a map over
    /// its image patches.</summary>
    public Linear(string name, Parameter weight, Parameter bias)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (bias.Length != weight.Rows)
        {
            throw new ArgumentException($"{name}: the bias has {bias.Length} values, the weight {weight.Rows} outputs", nameof(bias));
        }

        Name = name;
        Weight = weight;
        Bias = bias;
        Parameters = [Weight, Bias];
    }

    public string Name { get; }

    public int Inputs => Weight.Cols;

    public int Outputs => Weight.Rows;

    /// <summary>outputs × inputs, named "{name}.weight".</summary>
    public Parameter Weight { get; }

    /// <summary>outputs values, named "{name}.bias".</summary>
    public Parameter Bias { get; }

    public IReadOnlyList<Parameter> Parameters { get; }

    public ImageShape Bind(ImageShape input)
    {
        if (input.Size != Inputs)
        {
            throw new ArgumentException($"{Name}: takes {Inputs} features per example, but gets {input} = {input.Size}; a Flatten before it does not change the count");
        }

        return ImageShape.Flat(Outputs);
    }

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

    public void BackwardToParameters(Grid<float> outputGradient)
    {
        var input = _input ?? throw new InvalidOperationException($"{Name}: Backward called before Forward");
        AccumulateWeightGradient(input, outputGradient, Weight.Gradient);
        AccumulateBiasGradient(outputGradient, Bias.Gradient);
    }

    /// <summary>y = x·Wᵀ + b for x of batch × inputs, W of outputs × inputs (row-major) and b of outputs values.</summary>
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
        Blas.Gemm(false, true, input.Rows, outputs, inputs, 1f, input.Data, weight, 1f, output.Data);
        return output;
    }

    /// <summary>The full backward pass of y = x·Wᵀ + b given the forward input: adds gyᵀ·x to
    /// <paramref name="weightGradient"/> and Σ_batch gy to <paramref name="biasGradient"/>, returns gy·W.
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

    /// <summary>gW += gyᵀ·x, with gW outputs × inputs like the weights.</summary>
    public static void AccumulateWeightGradient(Grid<float> input, Grid<float> outputGradient, Span<float> weightGradient)
    {
        CheckBatch(input, outputGradient);
        CheckWeight(weightGradient, input.Cols, outputGradient.Cols);
        Blas.Gemm(true, false, outputGradient.Cols, input.Cols, input.Rows, 1f, outputGradient.Data, input.Data, 1f, weightGradient);
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

    /// <summary>gx = gy·W for W of gy.Cols × <paramref name="inputs"/>.</summary>
    public static Grid<float> InputGradient(Grid<float> outputGradient, ReadOnlySpan<float> weight, int inputs)
    {
        var outputs = outputGradient.Cols;
        CheckWeight(weight, inputs, outputs);
        var inputGradient = new Grid<float>(outputGradient.Rows, inputs);
        Blas.Gemm(false, false, outputGradient.Rows, inputs, outputs, 1f, outputGradient.Data, weight, 0f, inputGradient.Data);
        return inputGradient;
    }

    private static void CheckWeight(ReadOnlySpan<float> weight, int inputs, int outputs)
    {
        if (weight.Length != inputs * outputs)
        {
            throw new ArgumentException($"a {outputs}×{inputs} weight matrix needs {inputs * outputs} values, not {weight.Length}", nameof(weight));
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
