using System.Text.Json;
using AimcHil.Core;
using AimcHil.Training.Layers;
using AimcHil.Training.Optimizers;

namespace AimcHil.Training.Runs;

/// <summary>Everything needed to continue a run where it stopped: weights, optimizer state and the trainer's
/// counters, written atomically so a crash mid-write leaves the previous checkpoint intact.</summary>
public sealed record TrainingCheckpoint
{
    /// <summary>Epochs completed.</summary>
    public required int Epoch { get; init; }

    /// <summary>Batches of epoch <see cref="Epoch"/> already trained (non-zero only after an interruption).</summary>
    public required int Batch { get; init; }

    public required long ProgrammingPulses { get; init; }

    public required int Reprograms { get; init; }

    public required double ChipClockSeconds { get; init; }

    public required double TrainSeconds { get; init; }

    public required long Samples { get; init; }

    public double? InitSoftwareTestAccuracy { get; init; }

    public required List<EpochMetrics> Metrics { get; init; }

    public required Dictionary<string, float[]> Optimizer { get; init; }

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = false };

    public static string ModelPath(string directory) => Path.Combine(directory, "model.bin");

    public static string StatePath(string directory) => Path.Combine(directory, "trainer.json");

    public void Save(string directory, IEnumerable<Parameter> parameters)
    {
        Directory.CreateDirectory(directory);
        ModelState.Save(ModelPath(directory), parameters);
        var temp = StatePath(directory) + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, Json));
        File.Move(temp, StatePath(directory), overwrite: true);
    }

    /// <summary>The trainer's counters and metrics alone, without touching a model.</summary>
    public static TrainingCheckpoint ReadState(string directory)
    {
        var state = StatePath(directory);
        if (!File.Exists(state))
        {
            throw new AimcException($"{directory}: no checkpoint to resume from (trainer.json is missing)");
        }

        return JsonSerializer.Deserialize<TrainingCheckpoint>(File.ReadAllText(state), Json)
            ?? throw new AimcException($"{state}: empty checkpoint");
    }

    public static TrainingCheckpoint Load(string directory, IEnumerable<Parameter> parameters, IOptimizer optimizer)
    {
        var checkpoint = ReadState(directory);
        ModelState.Load(ModelPath(directory), parameters);
        optimizer.Restore(checkpoint.Optimizer);
        return checkpoint;
    }
}
