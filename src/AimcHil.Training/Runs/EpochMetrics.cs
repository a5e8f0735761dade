namespace AimcHil.Training.Runs;

/// <summary>One line of a run's metrics.jsonl: how an epoch went.</summary>
public sealed record EpochMetrics
{
    public required int Epoch { get; init; }

    public required double TrainLoss { get; init; }

    public required double TrainAccuracy { get; init; }

    public required double SoftwareTestAccuracy { get; init; }

    /// <summary>Null where the mode does not use the chip.</summary>
    public double? ChipTestAccuracy { get; init; }

    /// <summary>Cumulative since the run began.</summary>
    public required long ProgrammingPulses { get; init; }

    /// <summary>Cumulative since the run began.</summary>
    public required int Reprograms { get; init; }

    public required double Seconds { get; init; }
}
