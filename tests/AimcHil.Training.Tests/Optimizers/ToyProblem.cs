using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Layers;
using AimcHil.Training.Optimizers;

namespace AimcHil.Training.Tests.Optimizers;

/// <summary>A linearly separable two-class set in the plane and full-batch training steps on it.</summary>
internal sealed class ToyProblem
{
    public ToyProblem(int count, SeededRandom random)
    {
        Features = new Grid<float>(count, 2);
        Labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            // Class by the side of the line x0 − 0.5·x1 = 0.2, points closer than 0.1 pushed off it so the margin is clear.
            var x0 = (float)random.NextGaussian();
            var x1 = (float)random.NextGaussian();
            var side = x0 - (0.5f * x1) - 0.2f;
            if (MathF.Abs(side) < 0.1f)
            {
                x0 += side >= 0 ? 0.1f : -0.1f;
                side = x0 - (0.5f * x1) - 0.2f;
            }

            Features[i, 0] = x0;
            Features[i, 1] = x1;
            Labels[i] = side > 0 ? 1 : 0;
        }
    }

    public Grid<float> Features { get; }

    public int[] Labels { get; }

    public double Loss(Sequential model) => SoftmaxCrossEntropy.Evaluate(model.Forward(Features, training: false), Labels).Loss;

    /// <summary>One full-batch step; returns the loss before it.</summary>
    public double Step(Sequential model, IOptimizer optimizer)
    {
        model.ZeroGradients();
        var (loss, gradient) = SoftmaxCrossEntropy.Evaluate(model.Forward(Features, training: true), Labels);
        model.Backward(gradient);
        optimizer.Step(model.Parameters);
        return loss;
    }
}
