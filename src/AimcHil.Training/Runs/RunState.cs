namespace AimcHil.Training.Runs;

/// <summary>A run's counters, as a checkpoint holds them: the trainer's loop and the mode's step both advance them.</summary>
internal sealed class RunState
{
    public int Epoch { get; set; }

    public int Batch { get; set; }

    public long Steps { get; set; }

    public long Pulses { get; set; }

    public int Reprograms { get; set; }

    public double TrainSeconds { get; set; }

    public long Samples { get; set; }

    public double? InitSoftwareTestAccuracy { get; set; }

    public EpochSums Partial { get; set; } = new();

    public List<EpochMetrics> Metrics { get; set; } = [];

    public static RunState From(TrainingCheckpoint c) => new()
    {
        Epoch = c.Epoch,
        Batch = c.Batch,
        Steps = c.Steps,
        Partial = c.Partial,
        Pulses = c.ProgrammingPulses,
        Reprograms = c.Reprograms,
        TrainSeconds = c.TrainSeconds,
        Samples = c.Samples,
        InitSoftwareTestAccuracy = c.InitSoftwareTestAccuracy,
        Metrics = c.Metrics,
    };
}
