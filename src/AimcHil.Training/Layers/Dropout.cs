using System.Numerics.Tensors;
using AimcHil.Core;
using AimcHil.Numerics;

namespace AimcHil.Training.Layers;

/// <summary>Inverted dropout as PyTorch's <c>torch.nn.Dropout(p)</c>: in training each value is zeroed with
/// probability p and the kept ones are scaled by 1/(1 − p), so evaluation, where the layer is the identity, sees the
/// same expected activations without rescaling.</summary>
public sealed class Dropout : ILayer
{
    private readonly SeededRandom _random;

    // 0 or 1/(1 − p) per value of the last training batch; null after an evaluation pass, whose gradient passes through.
    private float[]? _mask;
    private bool _forwarded;

    /// <param name="p">Probability of zeroing a value, in [0, 1).</param>
    /// <param name="random">The stream the masks are drawn from, one draw per value and training batch, so the same
    /// seed gives the same masks.</param>
    public Dropout(double p, SeededRandom random)
    {
        if (!(p is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "dropout: the probability of zeroing a value must be in [0, 1)");
        }

        P = p;
        _random = random;
    }

    /// <summary>Probability of zeroing a value in training.</summary>
    public double P { get; }

    public IReadOnlyList<Parameter> Parameters => [];

    public Grid<float> Forward(Grid<float> input, bool training)
    {
        _forwarded = true;
        if (!training)
        {
            _mask = null;
            return input;
        }

        var scale = (float)(1 / (1 - P));
        var mask = new float[input.Data.Length];
        for (var i = 0; i < mask.Length; i++)
        {
            mask[i] = _random.NextDouble() < P ? 0f : scale;
        }

        _mask = mask;
        var output = new Grid<float>(input.Rows, input.Cols);
        TensorPrimitives.Multiply(input.Data, mask, output.Data);
        return output;
    }

    public Grid<float> Backward(Grid<float> outputGradient)
    {
        if (!_forwarded)
        {
            throw new InvalidOperationException("dropout: Backward called before Forward");
        }

        if (_mask is null)
        {
            return outputGradient;
        }

        if (outputGradient.Data.Length != _mask.Length)
        {
            throw new ArgumentException($"the output gradient has {outputGradient.Data.Length} values, the last output {_mask.Length}", nameof(outputGradient));
        }

        var inputGradient = new Grid<float>(outputGradient.Rows, outputGradient.Cols);
        TensorPrimitives.Multiply(outputGradient.Data, _mask, inputGradient.Data);
        return inputGradient;
    }
}
