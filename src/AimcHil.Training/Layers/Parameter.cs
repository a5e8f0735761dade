using AimcHil.Core;

namespace AimcHil.Training.Layers;

/// <summary>A trainable weight matrix or bias vector, row-major, with the gradient that backward passes accumulate into.</summary>
/// <remarks>A parameter has PyTorch's shape (<see cref="Shape"/>: [out, in] for a Linear weight, [out, in, kh, kw] for a
/// Conv2d weight, [out] for a bias) and is also seen as a matrix of the first dimension by the product of the others
/// (a 1-D parameter as 1 × n), which is how the layers compute with it.</remarks>
public sealed class Parameter
{
    public Parameter(string name, int rows, int cols)
        : this(name, [rows, cols])
    {
    }

    /// <summary>A parameter of PyTorch shape <paramref name="shape"/> (one to four positive dimensions).</summary>
    public Parameter(string name, params int[] shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (shape.Length is < 1 or > 4 || shape.Any(d => d <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), $"[{string.Join(", ", shape)}]", "a parameter has one to four positive dimensions");
        }

        Name = name;
        Shape = [.. shape];
        Rows = shape.Length == 1 ? 1 : shape[0];
        Cols = shape.Length == 1 ? shape[0] : shape.Skip(1).Aggregate(1, (a, d) => checked(a * d));
        Value = new float[checked(Rows * Cols)];
        Gradient = new float[Value.Length];
    }

    /// <summary>PyTorch's shape of the tensor, e.g. [256, 784] for a Linear(784, 256) weight.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The shape as PyTorch prints it, e.g. "256×784".</summary>
    public string ShapeText => string.Join('×', Shape);

    /// <summary>Unique within a model; checkpoints and optimizer state are keyed by it, e.g. "0.weight".</summary>
    public string Name { get; }

    public int Rows { get; }

    public int Cols { get; }

    public int Length => Value.Length;

    public float[] Value { get; }

    /// <summary>Same length as <see cref="Value"/>; backward passes add to it, so a training step zeroes it first.</summary>
    public float[] Gradient { get; }

    /// <summary>The values as a grid that shares storage with <see cref="Value"/>, so writes through it update the parameter.</summary>
    public Grid<float> AsGrid() => new(Rows, Cols, Value);

    public void ZeroGradient() => Array.Clear(Gradient);

    public override string ToString() => $"{Name} ({ShapeText})";
}
