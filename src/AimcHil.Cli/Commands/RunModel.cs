using AimcHil.Numerics;
using AimcHil.Training.Layers;
using AimcHil.Training.Runs;

namespace AimcHil.Cli.Commands;

/// <summary>The parameters of the model a run's options describe, with PyTorch's names and shapes, built without a
/// chip: what a state_dict for that run must hold.</summary>
internal static class RunModel
{
    /// <summary>Names and shapes as the trainer's network has them (its analog layers share their software layers'
    /// parameters); the values are the run's initial ones. A new built-in model is added here and in the trainer.</summary>
    public static IReadOnlyList<Parameter> Parameters(TrainingOptions options) =>
        Mlp.Create(options.Layers, SeededRandom.For(options.Seed, "init")).Parameters;
}
