using System.Text.Json;
using AimcHil.Core;
using AimcHil.Training.Layers;
using AimcHil.Training.Optimizers;

namespace AimcHil.Training.Runs;

/// <summary>Everything needed to continue a run where it stopped: weights (model.bin), optimizer state and the
/// trainer's counters (trainer.json), stored together as one all-or-nothing checkpoint by <see cref="CheckpointStore"/>.</summary>
public sealed record TrainingCheckpoint
{
    private const string ModelName = "model.bin";
    private const string StateName = "trainer.json";

    /// <summary>Epochs completed.</summary>
    public required int Epoch { get; init; }

    /// <summary>Batches of epoch <see cref="Epoch"/> already trained (non-zero only after an interruption).</summary>
    public required int Batch { get; init; }

    /// <summary>Optimizer steps since the run began: the phase of an every:K reprogramming policy.</summary>
    public long Steps { get; init; }

    public required long ProgrammingPulses { get; init; }

    public required int Reprograms { get; init; }

    public required double ChipClockSeconds { get; init; }

    public required double TrainSeconds { get; init; }

    public required long Samples { get; init; }

    /// <summary>The running sums of the epoch in progress (zero at an epoch boundary), so that a run stopped inside an
    /// epoch reports, once resumed, the same epoch metrics as a run never stopped.</summary>
    public EpochSums Partial { get; init; } = new();

    public double? InitSoftwareTestAccuracy { get; init; }

    public required List<EpochMetrics> Metrics { get; init; }

    public required Dictionary<string, float[]> Optimizer { get; init; }

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = false };

    /// <summary>Writes this checkpoint with <paramref name="parameters"/>' values; <paramref name="reached"/> hears each
    /// stage of the write (<see cref="CheckpointStore"/>, plus "model" and "state" for this checkpoint's two files).</summary>
    public void Save(string directory, IEnumerable<Parameter> parameters, Action<string> reached) =>
        CheckpointStore.Commit(directory, Epoch, Batch, generation =>
        {
            ModelState.Save(Path.Combine(generation, ModelName), parameters);
            reached("model");
            DurableFile.Write(Path.Combine(generation, StateName), JsonSerializer.SerializeToUtf8Bytes(this, Json));
            reached("state");
        }, reached);

    /// <summary>The trainer's counters and metrics alone, without touching a model (the checkpoint is verified first).</summary>
    public static TrainingCheckpoint ReadState(string directory) => ParseState(CheckpointStore.OpenCurrent(directory));

    public static TrainingCheckpoint Load(string directory, IEnumerable<Parameter> parameters, IOptimizer optimizer)
    {
        var generation = CheckpointStore.OpenCurrent(directory);
        var checkpoint = ParseState(generation);
        ModelState.Load(Path.Combine(generation, ModelName), parameters);
        optimizer.Restore(checkpoint.Optimizer);
        return checkpoint;
    }

    private static TrainingCheckpoint ParseState(string generation)
    {
        var path = Path.Combine(generation, StateName);
        try
        {
            if (JsonSerializer.Deserialize<TrainingCheckpoint>(File.ReadAllBytes(path), Json) is { Metrics: not null, Optimizer: not null, Partial: not null } state)
            {
                return state;
            }
        }
        catch (JsonException)
        {
        }

        throw new AimcException($"{path}: not a trainer state this version can read; {CheckpointStore.CannotResume}");
    }
}
