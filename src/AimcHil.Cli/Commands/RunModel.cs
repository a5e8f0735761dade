using AimcHil.Numerics;
using AimcHil.Training.Layers;

namespace AimcHil.Cli.Commands;

/// <summary>The parameters of the model a run's settings describe, with PyTorch's names and shapes, built without a
/// chip or the data: what a state_dict for that run must hold.</summary>
internal static class RunModel
{
    /// <summary>Names and shapes as the trainer's network has them (its analog layers share their software layers'
    /// parameters); the values are the run's initial ones. Runs older than the recorded data shape were MLPs, whose
    /// first and last sizes are the data's.</summary>
    public static IReadOnlyList<Parameter> Parameters(RunSettings settings)
    {
        var options = settings.Options;
        var features = settings.Features ?? options.Layers[0];
        var classes = settings.Classes ?? options.Layers[^1];
        return BuiltInModel.Create(options.Model, options.Layers, features, classes, SeededRandom.For(options.Seed, "init")).Parameters;
    }
}
