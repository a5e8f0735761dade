namespace AimcHil.Characterization.Plots;

/// <summary>One line of a training run's metrics.jsonl as the plots read it (Characterization does not reference
/// Training, so this mirrors its EpochMetrics).</summary>
/// <param name="ChipTestAccuracy">Null where the mode does not use the chip.</param>
/// <param name="ProgrammingPulses">Cumulative since the run began.</param>
/// <param name="Reprograms">Cumulative since the run began.</param>
public sealed record TrainingEpoch(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double? SoftwareTestAccuracy = null,
    double? ChipTestAccuracy = null,
    long ProgrammingPulses = 0,
    long Reprograms = 0,
    double Seconds = 0);
