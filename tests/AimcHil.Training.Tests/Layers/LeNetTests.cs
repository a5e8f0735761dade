using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Analog;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Tests.Layers;

/// <summary>The built-in CNN: PyTorch's names and shapes, and what it costs on a chip of 256×256 tiles.</summary>
public class LeNetTests
{
    [Fact]
    public void ParametersAreNamedAndShapedAsPyTorchsSequential()
    {
        var model = LeNet.Create(new ImageShape(1, 28, 28), 10, new SeededRandom(1));

        Assert.Equal(
            ["0.weight [8, 1, 5, 5]", "0.bias [8]", "3.weight [16, 8, 5, 5]", "3.bias [16]", "7.weight [10, 256]", "7.bias [10]"],
            model.Parameters.Select(p => $"{p.Name} [{string.Join(", ", p.Shape)}]"));
        Assert.Equal(ImageShape.Flat(10), model.Bind(new ImageShape(1, 28, 28)));
    }

    [Fact]
    public void OnTilesOf256By256ItTakesThreeTilesAnd641MvmsPerImage()
    {
        var model = LeNet.Create(new ImageShape(1, 28, 28), 10, new SeededRandom(1));
        var chip = AnalogNetwork.UnboundedChip(model) with { Name = "fmnist-like", Rows = 256, Cols = 256, Tiles = 6 };

        var network = AnalogNetwork.Map(model, chip);

        // conv 25×8 at 24·24 positions, conv 200×16 at 8·8, linear 256×10 once.
        Assert.Equal([576, 64, 1], network.AnalogLayers.Select(l => l.MvmsPerSample));
        Assert.Equal(641, network.MvmsPerSample);
        Assert.Equal([0, 1, 2], network.Analog.Select(a => a.Blocks.Single().Tile));
    }

    [Fact]
    public void TheSameSeedGivesTheSameNetwork()
    {
        var a = LeNet.Create(new ImageShape(1, 28, 28), 10, new SeededRandom(4));
        var b = LeNet.Create(new ImageShape(1, 28, 28), 10, new SeededRandom(4));

        Assert.Equal(a.Parameters.Select(p => p.Value), b.Parameters.Select(p => p.Value));
    }
}
