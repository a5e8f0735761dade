using AimcHil.Numerics;

namespace AimcHil.Training.Layers;

/// <summary>Multilayer perceptrons laid out as PyTorch's <c>nn.Sequential(Linear, ReLU, Linear, …)</c>: layers are named
/// by their index in the sequence ("0", "2", …), so the parameters are "0.weight", "0.bias", "2.weight", … as in that
/// module's state_dict.</summary>
public static class Mlp
{
    /// <summary>For sizes [784, 256, 10]: Linear "0" (784→256), ReLU, Linear "2" (256→10), emitting logits. Each Linear
    /// draws its weights from its own fork of <paramref name="random"/> ("fc1", "fc2", … by position among the Linear
    /// layers), so changing one layer's size leaves the initial weights of the others as they were.</summary>
    public static Sequential Create(int[] sizes, SeededRandom random)
    {
        if (sizes.Length < 2)
        {
            throw new ArgumentException($"an MLP needs at least an input and an output size, got [{string.Join(", ", sizes)}]", nameof(sizes));
        }

        if (sizes.Any(size => size <= 0))
        {
            throw new ArgumentException($"layer sizes must be positive, got [{string.Join(", ", sizes)}]", nameof(sizes));
        }

        var layers = new List<ILayer>();
        for (var i = 0; i + 1 < sizes.Length; i++)
        {
            layers.Add(new Linear($"{layers.Count}", sizes[i], sizes[i + 1], random.Fork($"fc{i + 1}")));
            if (i + 2 < sizes.Length)
            {
                layers.Add(new Relu());
            }
        }

        var model = new Sequential(layers);
        model.Bind(ImageShape.Flat(sizes[0]));
        return model;
    }
}
