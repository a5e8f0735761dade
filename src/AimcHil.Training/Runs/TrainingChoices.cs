using AimcHil.Core;
using AimcHil.Training.Layers;
using AimcHil.Training.Optimizers;

namespace AimcHil.Training.Runs;

/// <summary>The values a training run's named choices accept: one list each, read by the parser, the checks and the
/// command's help alike, so the help cannot name fewer values than the parser takes.</summary>
public static class TrainingChoices
{
    /// <summary>Training modes as written on the command line and in settings.json.</summary>
    public static IReadOnlyList<string> Modes { get; } = Enum.GetValues<TrainingMode>().Select(m => SnakeCase.Of(m)).ToArray();

    /// <summary>Optimizers; sgd runs with momentum 0.9.</summary>
    public static IReadOnlyList<string> Optimizers { get; } = ["adam", "sgd"];

    /// <summary>Models of hil's backward pass.</summary>
    public static IReadOnlyList<string> BackwardModels { get; } = ["ideal", "physical", "calibrated"];

    /// <summary>Built-in models.</summary>
    public static IReadOnlyList<string> Models => BuiltInModel.Names;

    /// <summary>The training mode written <paramref name="name"/>.</summary>
    /// <exception cref="AimcException">No mode has that name; the message lists them.</exception>
    public static TrainingMode Mode(string name)
    {
        foreach (var mode in Enum.GetValues<TrainingMode>())
        {
            if (SnakeCase.Of(mode) == name)
            {
                return mode;
            }
        }

        throw new AimcException($"--mode {name} is not a training mode: use {string.Join(", ", Modes)}");
    }

    /// <summary>The optimizer written <paramref name="name"/>, at <paramref name="learningRate"/>.</summary>
    /// <exception cref="AimcException">No optimizer has that name; the message lists them.</exception>
    public static IOptimizer Optimizer(string name, float learningRate) => name switch
    {
        "adam" => new Adam(learningRate),
        "sgd" => new Sgd(learningRate, 0.9f),
        _ => throw new AimcException($"optimizer '{name}' is not known: use {string.Join(" or ", Optimizers)}"),
    };

    /// <summary>Refuses a backward model that is not one of <see cref="BackwardModels"/>.</summary>
    /// <exception cref="AimcException">The name is not known; the message lists the known ones.</exception>
    public static void CheckBackwardModel(string name)
    {
        if (!BackwardModels.Contains(name))
        {
            throw new AimcException($"--backward-model {name} is not known: use {string.Join(", ", BackwardModels.Take(BackwardModels.Count - 1))} or {BackwardModels[^1]}");
        }
    }
}
