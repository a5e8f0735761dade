using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Tests.Layers;

public class MlpTests
{
    // Pre-activations are kept at least this far from the ReLU kink, 20× the largest shift a finite-difference
    // step can cause, so every perturbed forward pass sees the same active units.
    private const float KinkMargin = 0.1f;
    private const float Step = 5e-3f;

    [Fact]
    public void LayersAndParameterNamesFollowTheSizes()
    {
        var model = Mlp.Create([784, 256, 10], new SeededRandom(1));

        Assert.Collection(
            model.Layers,
            l => Assert.Equal((784, 256), (((Linear)l).Inputs, ((Linear)l).Outputs)),
            l => Assert.IsType<Relu>(l),
            l => Assert.Equal((256, 10), (((Linear)l).Inputs, ((Linear)l).Outputs)));
        // The names nn.Sequential(Linear(784, 256), ReLU(), Linear(256, 10)).state_dict() has.
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], model.Parameters.Select(p => p.Name));
        Assert.Equal([256, 784], model.Parameters[0].Shape);
    }

    [Fact]
    public void EachLayerHasItsOwnRandomStream()
    {
        // Widening the hidden layer changes the first layer's shape but must not reshuffle the draws of the others.
        var narrow = Mlp.Create([3, 4, 5, 2], new SeededRandom(9));
        var wide = Mlp.Create([3, 4, 7, 2], new SeededRandom(9));

        Assert.Equal(narrow.Parameters[0].Value, wide.Parameters[0].Value);
        // Weights are outputs × inputs: input 0's weights to the first outputs are the first draws of both.
        float[] Input0(Parameter w) => [.. Enumerable.Range(0, 5).Select(j => w.Value[j * w.Cols])];
        Assert.Equal(Input0(narrow.Parameters[2]), Input0(wide.Parameters[2]));
    }

    [Fact]
    public void SizesNeedInputAndOutput()
    {
        Assert.Throws<ArgumentException>(() => Mlp.Create([4], new SeededRandom(1)));
        Assert.Throws<ArgumentException>(() => Mlp.Create([4, 0, 2], new SeededRandom(1)));
    }

    [Fact]
    public void ThreeLayerGradientsMatchFiniteDifferences()
    {
        var random = new SeededRandom(17);
        var model = Mlp.Create([4, 6, 5, 3], random.Fork("model"));
        var x = GradientCheck.Uniform(random.Fork("x"), 4, 4);
        int[] labels = [0, 2, 1, 2];
        KeepAwayFromKinks(model, x);
        var mask = ActiveUnits(model, x);
        Assert.Contains(true, mask);
        Assert.Contains(false, mask);

        double Loss()
        {
            Assert.Equal(mask, ActiveUnits(model, x));
            return SoftmaxCrossEntropy.Evaluate(model.Forward(x, training: true), labels).Loss;
        }

        model.ZeroGradients();
        var (_, gradient) = SoftmaxCrossEntropy.Evaluate(model.Forward(x, training: true), labels);
        var gx = model.Backward(gradient);

        GradientCheck.AssertMatches("x", x.Data, gx.Data, Step, Loss);
        foreach (var parameter in model.Parameters)
        {
            GradientCheck.AssertMatches(parameter.Name, parameter.Value, parameter.Gradient, Step, Loss);
        }
    }

    // Sets each hidden unit's bias so that zero falls in the middle of the widest gap between its pre-activations
    // over the batch, leaving units mixed on and off but far from the kink; a unit whose values crowd together is
    // shifted to be on for every example instead.
    private static void KeepAwayFromKinks(Sequential model, Grid<float> x)
    {
        var h = x;
        for (var i = 0; i < model.Layers.Count; i++)
        {
            if (model.Layers[i] is Linear linear && i + 1 < model.Layers.Count && model.Layers[i + 1] is Relu)
            {
                Array.Clear(linear.Bias.Value);
                var z = linear.Forward(h, training: false);
                for (var j = 0; j < z.Cols; j++)
                {
                    var column = Enumerable.Range(0, z.Rows).Select(r => z[r, j]).Order().ToArray();
                    var widest = Enumerable.Range(0, column.Length - 1).MaxBy(k => column[k + 1] - column[k]);
                    var gap = column[widest + 1] - column[widest];
                    linear.Bias.Value[j] = gap >= 2 * KinkMargin
                        ? -(column[widest] + column[widest + 1]) / 2
                        : KinkMargin - column[0];
                }
            }

            h = model.Layers[i].Forward(h, training: false);
        }
    }

    private static bool[] ActiveUnits(Sequential model, Grid<float> x)
    {
        var active = new List<bool>();
        var h = x;
        foreach (var layer in model.Layers)
        {
            h = layer.Forward(h, training: false);
            if (layer is Relu)
            {
                active.AddRange(h.Data.Select(v => v > 0f));
            }
        }

        return [.. active];
    }
}
