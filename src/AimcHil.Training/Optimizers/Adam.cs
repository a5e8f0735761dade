using AimcHil.Core;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Optimizers;

/// <summary>Adam with bias correction and optional L2 weight decay folded into the gradient (not AdamW), following
/// PyTorch's torch.optim.Adam formulas, with a step counter per parameter as PyTorch keeps one.</summary>
public sealed class Adam : IOptimizer
{
    /// <summary>Slot of the first-moment estimate in <see cref="State"/>.</summary>
    public const string FirstMomentSlot = "m";

    /// <summary>Slot of the second-moment estimate in <see cref="State"/>.</summary>
    public const string SecondMomentSlot = "v";

    /// <summary>Slot of the step counter in <see cref="State"/>: one float, exact up to 2^24 steps.</summary>
    public const string StepSlot = "step";

    private const int MaxExactStep = 1 << 24;

    private readonly Dictionary<string, Moments> _moments = new(StringComparer.Ordinal);

    /// <remarks>Betas and epsilon are doubles, as PyTorch's Python floats are, so 1 − β rounds to single the way it does there.</remarks>
    public Adam(float learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, float weightDecay = 0f)
    {
        if (beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), $"betas must be in [0, 1), got ({beta1}, {beta2})");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
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

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Epsilon { get; }

    public float WeightDecay { get; }

    public void Step(IReadOnlyList<Parameter> parameters) => IOptimizer.UpdateEach(parameters, Update);

    public IReadOnlyDictionary<string, float[]> State()
    {
        var state = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var (name, moments) in _moments)
        {
            state[$"{name}/{FirstMomentSlot}"] = (float[])moments.First.Clone();
            state[$"{name}/{SecondMomentSlot}"] = (float[])moments.Second.Clone();
            state[$"{name}/{StepSlot}"] = [moments.Step];
        }

        return state;
    }

    public void Restore(IReadOnlyDictionary<string, float[]> state)
    {
        var slots = new Dictionary<string, Dictionary<string, float[]>>(StringComparer.Ordinal);
        foreach (var (key, values) in state)
        {
            var slash = key.LastIndexOf('/');
            var slot = slash > 0 ? key[(slash + 1)..] : string.Empty;
            if (slot is not (FirstMomentSlot or SecondMomentSlot or StepSlot))
            {
                throw new AimcException($"optimizer state key '{key}' is not an Adam slot; Adam keeps '<parameter>/{FirstMomentSlot}', '/{SecondMomentSlot}' and '/{StepSlot}'");
            }

            var name = key[..slash];
            if (!slots.TryGetValue(name, out var byName))
            {
                byName = new Dictionary<string, float[]>(StringComparer.Ordinal);
                slots[name] = byName;
            }

            byName[slot] = values;
        }

        var restored = new Dictionary<string, Moments>(StringComparer.Ordinal);
        foreach (var (name, byName) in slots)
        {
            restored[name] = ParseMoments(name, byName);
        }

        _moments.Clear();
        foreach (var (name, moments) in restored)
        {
            _moments[name] = moments;
        }
    }

    private static Moments ParseMoments(string name, Dictionary<string, float[]> byName)
    {
        foreach (var slot in new[] { FirstMomentSlot, SecondMomentSlot, StepSlot })
        {
            if (!byName.ContainsKey(slot))
            {
                throw new AimcException($"optimizer state for '{name}' has no '{slot}'; Adam needs '{FirstMomentSlot}', '{SecondMomentSlot}' and '{StepSlot}' for every parameter");
            }
        }

        var first = byName[FirstMomentSlot];
        var second = byName[SecondMomentSlot];
        var step = byName[StepSlot];
        if (first.Length != second.Length)
        {
            throw new AimcException($"optimizer state for '{name}' has {first.Length} first moments but {second.Length} second moments");
        }

        if (step.Length != 1 || !(step[0] >= 1f) || step[0] > MaxExactStep || step[0] != MathF.Floor(step[0]))
        {
            throw new AimcException($"optimizer state for '{name}' has step [{string.Join(", ", step)}]; it must be one whole number from 1 to {MaxExactStep}");
        }

        return new Moments((float[])first.Clone(), (float[])second.Clone()) { Step = (int)step[0] };
    }

    private void Update(Parameter parameter)
    {
        var w = parameter.Value;
        var g = parameter.Gradient;
        if (!_moments.TryGetValue(parameter.Name, out var moments))
        {
            moments = new Moments(new float[w.Length], new float[w.Length]);
            _moments[parameter.Name] = moments;
        }
        else if (moments.First.Length != w.Length)
        {
            throw new AimcException($"optimizer state for '{parameter.Name}' holds {moments.First.Length} values but the parameter has {w.Length}; the state belongs to a different model");
        }

        moments.Step++;

        // As in PyTorch, the corrections are computed in double from the step count and then applied in single.
        var correction1 = 1.0 - Math.Pow(Beta1, moments.Step);
        var correction2Sqrt = (float)Math.Sqrt(1.0 - Math.Pow(Beta2, moments.Step));
        var stepSize = (float)(LearningRate / correction1);
        var m = moments.First;
        var v = moments.Second;
        var oneMinusBeta1 = (float)(1.0 - Beta1);
        var beta2 = (float)Beta2;
        var oneMinusBeta2 = (float)(1.0 - Beta2);
        var epsilon = (float)Epsilon;
        for (var i = 0; i < w.Length; i++)
        {
            var d = g[i] + (WeightDecay * w[i]);
            m[i] += oneMinusBeta1 * (d - m[i]);
            v[i] = (beta2 * v[i]) + (oneMinusBeta2 * d * d);
            var denominator = (MathF.Sqrt(v[i]) / correction2Sqrt) + epsilon;
            w[i] -= stepSize * m[i] / denominator;
        }
    }

    private sealed class Moments(float[] first, float[] second)
    {
        public float[] First { get; } = first;

        public float[] Second { get; } = second;

        public int Step { get; set; }
    }
}
