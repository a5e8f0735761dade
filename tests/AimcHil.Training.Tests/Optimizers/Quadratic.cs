using AimcHil.Training.Layers;
using AimcHil.Training.Optimizers;

namespace AimcHil.Training.Tests.Optimizers;

/// <summary>f(w) = (w − 3)² on one weight starting at 0, whose optimizer trajectories are easy to compute by hand.</summary>
internal sealed class Quadratic
{
    public Parameter Weight { get; } = new("w", 1, 1);

    public float Value => Weight.Value[0];

    /// <summary>Sets the gradient 2(w − 3) and takes one step.</summary>
    public float Step(IOptimizer optimizer)
    {
        Weight.ZeroGradient();
        Weight.Gradient[0] = 2f * (Weight.Value[0] - 3f);
        optimizer.Step([Weight]);
        return Value;
    }
}
