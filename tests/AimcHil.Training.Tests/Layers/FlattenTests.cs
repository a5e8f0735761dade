using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Tests.Layers;

public class FlattenTests
{
    [Fact]
    public void ImagesBecomeFlatVectorsAndTheDataPassesThrough()
    {
        var flatten = new Flatten();
        var x = new Grid<float>(2, 12, [.. Enumerable.Range(0, 24).Select(i => (float)i)]);
        var g = new Grid<float>(2, 12);

        Assert.Equal(ImageShape.Flat(12), flatten.Bind(new ImageShape(3, 2, 2)));
        Assert.Same(x, flatten.Forward(x, training: true));
        Assert.Same(g, flatten.Backward(g));
        Assert.Empty(flatten.Parameters);
    }

    [Fact]
    public void KeepsLayerIndicesAsInPyTorch()
    {
        // nn.Sequential(Conv2d(1, 2, 3), ReLU(), Flatten(), Linear(18, 4)) names the Linear's parameters "3.*".
        var random = new SeededRandom(1);
        var model = new Sequential(new Conv2d("0", 1, 2, 3, random.Fork("0")), new Relu(), new Flatten(), new Linear("3", 18, 4, random.Fork("3")));

        Assert.Equal(ImageShape.Flat(4), model.Bind(new ImageShape(1, 5, 5)));
        Assert.Equal(["0.weight", "0.bias", "3.weight", "3.bias"], model.Parameters.Select(p => p.Name));
    }
}
