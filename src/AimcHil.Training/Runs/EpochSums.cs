namespace AimcHil.Training.Runs;

/// <summary>Running sums over the batches of an epoch so far: what its metrics line averages.</summary>
public sealed record EpochSums
{
    public double LossSum { get; init; }

    public double CorrectSum { get; init; }

    public int Seen { get; init; }

    public double Seconds { get; init; }
}
