namespace AimcHil.Training.Runs;

/// <summary>What a finished run reports (<c>aimc train --json</c>, summary.json); key names are a public interface.</summary>
public sealed record TrainingSummary
{
    public required TrainingMode Mode { get; init; }

    /// <summary>The built-in model trained ("mlp", "lenet"), or "custom" for a model given to the trainer.</summary>
    public string Model { get; init; } = "mlp";

    /// <summary>Tile MVMs one example costs on the chip in a forward pass: what the model costs on a real chip.</summary>
    public int MvmsPerSample { get; init; }

    /// <summary>Test accuracy of the host's final weights evaluated in full precision.</summary>
    public required double SoftwareTestAccuracy { get; init; }

    /// <summary>Test accuracy measured on the chip (null in software mode).</summary>
    public double? ChipTestAccuracy { get; init; }

    /// <summary>Software test accuracy of the model the run started from (--init), null otherwise.</summary>
    public double? InitSoftwareTestAccuracy { get; init; }

    public required int Epochs { get; init; }

    public required long ProgrammingPulses { get; init; }

    public required int Reprograms { get; init; }

    public required double TrainSeconds { get; init; }

    public required double SamplesPerSecond { get; init; }

    /// <summary>Mean training loss of the last epoch; null when the run trained nothing.</summary>
    public required double? FinalTrainLoss { get; init; }

    public required ulong Seed { get; init; }

    /// <summary>True when the run stopped early (Ctrl-C); a checkpoint allows --resume.</summary>
    public required bool Interrupted { get; init; }

    public string? Rig { get; init; }

    /// <summary>The calibrated digital twin the run trained through (key "twin"), null when none was given.</summary>
    public string? Twin { get; init; }

    /// <summary>Requests sent again over the rig's link (serial and tcp rigs; null in-process).</summary>
    public long? LinkRetries { get; init; }

    /// <summary>Frames the host dropped for failing COBS or CRC checks (serial and tcp rigs).</summary>
    public long? LinkDroppedFrames { get; init; }

    /// <summary>Rig resets the host noticed through a changed boot counter (serial and tcp rigs).</summary>
    public long? RigResets { get; init; }

    /// <summary>Tiles programmed again from the host's shadow weights after rig resets (serial and tcp rigs).</summary>
    public long? TilesReprogrammedAfterReset { get; init; }

    public string? OutputDirectory { get; init; }
}
