using AimcHil.Rig;

namespace AimcHil.Cli.Commands;

/// <summary>One case of <c>aimc bench train</c>: a model trained with the chip in the loop on a rig, and the same
/// steps in software, each timed in steady state.</summary>
internal sealed record TrainBenchCase
{
    /// <summary>The case's key in the JSON output.</summary>
    public required string Name { get; init; }

    public required RigFile Rig { get; init; }

    /// <summary>The built-in model, as <c>--model</c> takes it.</summary>
    public string Model { get; init; } = "mlp";

    /// <summary>Layer sizes of the MLP, inputs first.</summary>
    public required int[] Layers { get; init; }

    /// <summary>The hil reprogramming policy, as <c>--reprogram</c> takes it.</summary>
    public required string Reprogram { get; init; }

    /// <summary>Optimizer steps timed.</summary>
    public required int Steps { get; init; }

    /// <summary>Steps before the timed ones (at least 1): the first programming (and network solve) and the JIT's warm-up.</summary>
    public required int WarmupSteps
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(WarmupSteps), value, "the first step programs the chip: it is never timed");
    }

    public const int Batch = 64;

    public const float LearningRate = 1e-4f;

    public string LayersText => Model == "mlp" ? string.Join('-', Layers) : Model;
}
