using AimcHil.Core;
using AimcHil.Training.Optimizers;

namespace AimcHil.Training.Tests.Optimizers;

public class AdamTests
{
    [Fact]
    public void StepsMatchThePyTorchFormulas()
    {
        // lr 0.1 on (w − 3)² from 0, with m = β1·m + (1 − β1)·g, v = β2·v + (1 − β2)·g²,
        // w −= lr/(1 − β1^t) · m / (sqrt(v)/sqrt(1 − β2^t) + ε):
        // t = 1: g = −6, m = −0.6, v = 0.036, w = 0.6/(6 + 1e-8) = 0.09999999983;
        // t = 2: g = −5.8, m = −1.12, v = 0.069604, w = 0.19989729259;
        // t = 3: g = −5.6002054, m = −1.56802054, v = 0.10089670, w = 0.29961847655.
        var quadratic = new Quadratic();
        var adam = new Adam(0.1f);

        Assert.Equal(0.09999999983, quadratic.Step(adam), 1e-6);
        Assert.Equal(0.19989729259, quadratic.Step(adam), 1e-6);
        Assert.Equal(0.29961847655, quadratic.Step(adam), 1e-6);

        var state = adam.State();
        Assert.Equal(-1.56802054, state["w/m"][0], 1e-5);
        Assert.Equal(0.10089670, state["w/v"][0], 1e-6);
        Assert.Equal([3f], state["w/step"]);
    }

    [Fact]
    public void StateIsACopy()
    {
        var quadratic = new Quadratic();
        var adam = new Adam(0.1f);
        quadratic.Step(adam);

        adam.State()["w/m"][0] = 1000f;

        Assert.Equal(-0.6f, adam.State()["w/m"][0], 1e-6f);
    }

    [Fact]
    public void ForeignStateKeyIsRejected()
    {
        var error = Assert.Throws<AimcException>(() => new Adam(0.1f).Restore(new Dictionary<string, float[]> { ["w/velocity"] = [0f] }));

        Assert.Equal("optimizer state key 'w/velocity' is not an Adam slot; Adam keeps '<parameter>/m', '/v' and '/step'", error.Message);
    }

    [Fact]
    public void IncompleteStateIsRejected()
    {
        var state = new Dictionary<string, float[]> { ["w/m"] = [0f], ["w/v"] = [0f] };

        var error = Assert.Throws<AimcException>(() => new Adam(0.1f).Restore(state));

        Assert.Equal("optimizer state for 'w' has no 'step'; Adam needs 'm', 'v' and 'step' for every parameter", error.Message);
    }

    [Fact]
    public void FractionalStepIsRejected()
    {
        var state = new Dictionary<string, float[]> { ["w/m"] = [0f], ["w/v"] = [0f], ["w/step"] = [1.5f] };

        var error = Assert.Throws<AimcException>(() => new Adam(0.1f).Restore(state));

        Assert.Equal("optimizer state for 'w' has step [1.5]; it must be one whole number from 1 to 16777216", error.Message);
    }
}
