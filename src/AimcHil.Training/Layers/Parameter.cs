using AimcHil.Core;

namespace AimcHil.Training.Layers;

/// <summary>A trainable weight matrix or bias vector, row-major, with the gradient that backward passes accumulate into.</summary>
public sealed class Parameter
{
    public Parameter(string name, int rows, int cols)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        Name = name;
        Rows = rows;
        Cols = cols;
        Value = new float[checked(rows * cols)];
        Gradient = new float[Value.Length];
    }

    /// <summary>Unique within a model; checkpoints and optimizer state are keyed by it, e.g. "fc1.weight".</summary>
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

    public override string ToString() => $"{Name} ({Rows}×{Cols})";
}
