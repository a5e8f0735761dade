using AimcHil.Core;
using AimcHil.Numerics;

namespace AimcHil.Training.Layers;

/// <summary>The models <c>aimc train --model</c> builds, each laid out as the <c>nn.Sequential</c> a PyTorch user would
/// write, so its state_dict names match PyTorch's.</summary>
public static class BuiltInModel
{
    public static readonly IReadOnlyList<string> Names = ["mlp", "lenet"];

    /// <summary>Refuses a model name that is not built in.</summary>
    /// <exception cref="AimcException">The name is not known; the message lists the known ones.</exception>
    public static void CheckName(string name)
    {
        if (!Names.Contains(name))
        {
            throw new AimcException($"--model {name} is not known: use {string.Join(" or ", Names)}");
        }
    }

    /// <summary>The model <paramref name="name"/> for examples of <paramref name="features"/> values and
    /// <paramref name="classes"/> classes, bound to that input; <paramref name="mlpLayers"/> sizes the MLP.</summary>
    /// <exception cref="AimcException">The name is not known, or the model does not fit the data.</exception>
    public static Sequential Create(string name, int[] mlpLayers, int features, int classes, SeededRandom random)
    {
        CheckName(name);
        switch (name)
        {
            case "mlp":
                if (mlpLayers[0] != features || mlpLayers[^1] != classes)
                {
                    throw new AimcException($"the network {string.Join('-', mlpLayers)} does not fit the data: {features} features, {classes} classes");
                }

                return Mlp.Create(mlpLayers, random);
            case "lenet":
                var side = (int)Math.Round(Math.Sqrt(features));
                if (side * side != features || side < 16)
                {
                    throw new AimcException($"--model lenet takes square one-channel images of at least 16×16 (Fashion-MNIST's are 28×28); the data has {features} values per example");
                }

                return LeNet.Create(new ImageShape(1, side, side), classes, random);
            default:
                throw new InvalidOperationException($"built-in model {name} has no constructor");
        }
    }
}
