using System.Globalization;
using AimcHil.Core;
using AimcHil.Emulator;

namespace AimcHil.Training.Runs;

/// <summary>Refuses, before anything is allocated, a network whose layer sizes make no sense or will not fit in this
/// machine's memory (a typo such as 784,2000000000,10 would otherwise end in an out-of-memory crash).</summary>
public static class NetworkFootprint
{
    /// <summary>Float32 value, gradient and the optimizer's two moments per parameter: a lower bound of what training holds.</summary>
    public const int BytesPerParameter = 4 * sizeof(float);

    /// <summary>Throws an <see cref="AimcException"/> naming the layers and the numbers when the network cannot be trained here.</summary>
    public static void Check(int[]? layers)
    {
        if (layers is null || layers.Length < 2 || layers.Any(size => size < 1))
        {
            throw new AimcException($"layers {Describe(layers)}: give at least an input and an output size, all positive, e.g. --layers 784,256,10");
        }

        long parameters = 0;
        for (var k = 1; k < layers.Length; k++)
        {
            var weights = (long)layers[k - 1] * layers[k];
            if (weights > Array.MaxLength)
            {
                throw new AimcException($"layers {Describe(layers)}: the layer {layers[k - 1]}→{layers[k]} has {weights.ToString("N0", CultureInfo.InvariantCulture)} weights, more than one array can hold ({Array.MaxLength.ToString("N0", CultureInfo.InvariantCulture)}): choose smaller layers");
            }

            parameters += weights + layers[k];
        }

        var neededBytes = parameters * BytesPerParameter;
        var availableBytes = MemoryBudget.Available();
        if (neededBytes > availableBytes)
        {
            throw new AimcException($"layers {Describe(layers)}: the network has {parameters.ToString("N0", CultureInfo.InvariantCulture)} parameters and needs at least {MemoryBudget.Gigabytes(neededBytes)} of memory for their values, gradients and optimizer state; this machine has {MemoryBudget.Gigabytes(availableBytes)}: choose smaller layers");
        }
    }

    private static string Describe(int[]? layers) => layers is null ? "(none)" : string.Join(',', layers);
}
