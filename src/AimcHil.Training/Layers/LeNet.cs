using AimcHil.Numerics;

namespace AimcHil.Training.Layers;

/// <summary>The small CNN AIMC test chips are demonstrated on, LeNet-style, laid out as PyTorch's
/// <c>nn.Sequential(Conv2d(c, 8, 5), ReLU(), MaxPool2d(2), Conv2d(8, 16, 5), ReLU(), MaxPool2d(2), Flatten(),
/// Linear(16·h·w, classes))</c>: parameters "0.weight" [8, c, 5, 5], "0.bias", "3.weight" [16, 8, 5, 5], "3.bias",
/// "7.weight" [classes, 16·h·w], "7.bias" (for 1×28×28 images h = w = 4, so "7.weight" is [10, 256]).</summary>
/// <remarks>On a chip its kernels are 25×8 and 200×16 matrices, a tile each, run at 576 and 64 positions per image; the
/// classifier is one more tile: 641 MVMs per image against the 784-256-10 MLP's 5 (with 256-row tiles), for 3 % of its
/// parameters (5,994 against 203,530). Each layer draws its initial weights from its own fork of the seed ("conv1", "conv2", "fc").</remarks>
public static class LeNet
{
    public static Sequential Create(ImageShape input, int classes, SeededRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        ILayer[] features =
        [
            new Conv2d("0", input.Channels, 8, 5, random.Fork("conv1")),
            new Relu(),
            new MaxPool2d(2),
            new Conv2d("3", 8, 16, 5, random.Fork("conv2")),
            new Relu(),
            new MaxPool2d(2),
            new Flatten(),
        ];
        // Binding the feature layers fixes their image sizes and gives the classifier's input size.
        var flat = new Sequential(features).Bind(input);
        return new Sequential([.. features, new Linear("7", flat.Size, classes, random.Fork("fc"))]);
    }
}
