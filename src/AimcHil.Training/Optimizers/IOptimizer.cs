using AimcHil.Training.Layers;

namespace AimcHil.Training.Optimizers;

/// <summary>Updates parameters from their accumulated gradients, keeping per-parameter state (keyed by parameter name) that checkpoints can save and restore.</summary>
public interface IOptimizer
{
    /// <summary>Settable so learning-rate schedules can change it between steps; not part of <see cref="State"/>.</summary>
    float LearningRate { get; set; }

    /// <summary>One update of every parameter from its <see cref="Parameter.Gradient"/>; gradients are left as they are.</summary>
    void Step(IReadOnlyList<Parameter> parameters);

    /// <summary>A copy of the internal state keyed "{parameter name}/{slot}", e.g. "0.weight/m"; restoring it into a
    /// fresh optimizer with the same hyperparameters continues exactly as if training had not been interrupted.</summary>
    IReadOnlyDictionary<string, float[]> State();

    /// <summary>Replaces the whole internal state with a copy of one exported by <see cref="State"/>; throws
    /// <see cref="AimcHil.Core.AimcException"/> for keys or values this optimizer cannot have produced.</summary>
    void Restore(IReadOnlyDictionary<string, float[]> state);

    /// <summary>A step of every optimizer: <paramref name="update"/> on each parameter in order, refusing two of one
    /// name, since the state is keyed by it.</summary>
    internal static void UpdateEach(IReadOnlyList<Parameter> parameters, Action<Parameter> update)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            if (!seen.Add(parameter.Name))
            {
                throw new ArgumentException($"two parameters are named '{parameter.Name}'; optimizer state is keyed by name", nameof(parameters));
            }

            update(parameter);
        }
    }
}
