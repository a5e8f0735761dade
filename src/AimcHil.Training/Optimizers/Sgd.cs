using AimcHil.Core;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Optimizers;

/// <summary>Stochastic gradient descent with momentum and L2 weight decay, PyTorch semantics (no dampening, no Nesterov):
/// d = g + wd·w, v = μ·v + d, w −= lr·v (so the first step uses v = d).</summary>
public sealed class Sgd : IOptimizer
{
    /// <summary>Slot of the momentum buffer in <see cref="State"/>: "{parameter}/velocity".</summary>
    public const string VelocitySlot = "velocity";

    private readonly Dictionary<string, float[]> _velocity = new(StringComparer.Ordinal);

    public Sgd(float learningRate, float momentum = 0.9f, float weightDecay = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(momentum);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        LearningRate = learningRate;
        Momentum = momentum;
        WeightDecay = weightDecay;
    }

    public float LearningRate
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    }

    public float Momentum { get; }

    public float WeightDecay { get; }

    public void Step(IReadOnlyList<Parameter> parameters) => IOptimizer.UpdateEach(parameters, Update);

    public IReadOnlyDictionary<string, float[]> State() =>
        _velocity.ToDictionary(kv => $"{kv.Key}/{VelocitySlot}", kv => (float[])kv.Value.Clone(), StringComparer.Ordinal);

    public void Restore(IReadOnlyDictionary<string, float[]> state)
    {
        var restored = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (key, values) in state)
        {
            var slash = key.LastIndexOf('/');
            if (slash <= 0 || key[(slash + 1)..] != VelocitySlot)
            {
                throw new AimcException($"optimizer state key '{key}' is not an SGD slot; SGD keeps only '<parameter>/{VelocitySlot}'");
            }

            restored[key[..slash]] = (float[])values.Clone();
        }

        _velocity.Clear();
        foreach (var (name, values) in restored)
        {
            _velocity[name] = values;
        }
    }

    private void Update(Parameter parameter)
    {
        var w = parameter.Value;
        var g = parameter.Gradient;
        var lr = LearningRate;
        var wd = WeightDecay;
        if (Momentum == 0f)
        {
            for (var i = 0; i < w.Length; i++)
            {
                w[i] -= lr * (g[i] + (wd * w[i]));
            }

            return;
        }

        if (!_velocity.TryGetValue(parameter.Name, out var v))
        {
            // A zero buffer makes the first step v = d, which is how PyTorch seeds it.
            v = new float[w.Length];
            _velocity[parameter.Name] = v;
        }
        else if (v.Length != w.Length)
        {
            throw new AimcException($"optimizer state for '{parameter.Name}' holds {v.Length} values but the parameter has {w.Length}; the state belongs to a different model");
        }

        var mu = Momentum;
        for (var i = 0; i < w.Length; i++)
        {
            v[i] = (mu * v[i]) + (g[i] + (wd * w[i]));
            w[i] -= lr * v[i];
        }
    }
}
