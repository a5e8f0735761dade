namespace AimcHil.Training.Layers;

/// <summary>The shape of one example as the layers see it: channels × height × width, flattened in that order (PyTorch's
/// NCHW, so a grid row is what <c>x.flatten(1)</c> gives); a plain feature vector of n values is n × 1 × 1.</summary>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>Values per example: channels · height · width.</summary>
    public int Size => checked(Channels * Height * Width);

    /// <summary>A flat vector of <paramref name="features"/> values.</summary>
    public static ImageShape Flat(int features) => new(features, 1, 1);

    public override string ToString() => Height == 1 && Width == 1 ? $"{Channels}" : $"{Channels}×{Height}×{Width}";
}
