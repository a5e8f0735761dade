using AimcHil.Numerics;

namespace AimcHil.Training.Layers;

/// <summary>Multilayer perceptrons: Linear layers "fc1", "fc2", … with ReLU between them and none after the last.</summary>
public static class Mlp
{
    /// <summary>For sizes [784, 256, 10]: fc1 (784→256), ReLU, fc2 (256→10), emitting logits. Each layer draws its
    /// weights from its own fork of <paramref name="random"/> ("fc1", "fc2", …), so changing one layer's size
    /// leaves the initial weights of the others as they were.</summary>
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
            var name = $"fc{i + 1}";
            layers.Add(new Linear(name, sizes[i], sizes[i + 1], random.Fork(name)));
            if (i + 2 < sizes.Length)
            {
                layers.Add(new Relu());
            }
        }

        return new Sequential(layers);
    }
}
