namespace AimcHil.Characterization.Datasets;

/// <summary>One committed measurement step: its sequence number in the plan, the chip time it was taken at, and its
/// scalar and array values by parameter name.</summary>
public sealed record DataPoint(
    long Seq,
    double ChipSeconds,
    IReadOnlyDictionary<string, double> Scalars,
    IReadOnlyDictionary<string, PointArray> Arrays)
{
    public double Scalar(string name) => Scalars.TryGetValue(name, out var v)
        ? v
        : throw new KeyNotFoundException($"point {Seq} has no value {name}");

    public PointArray Array(string name) => Arrays.TryGetValue(name, out var v)
        ? v
        : throw new KeyNotFoundException($"point {Seq} has no array {name}");
}
