using AimcHil.Core;
using AimcHil.Training.Optimizers;

namespace AimcHil.Training.Tests.Optimizers;

public class SgdTests
{
    [Fact]
    public void MomentumStepsMatchThePyTorchRecurrence()
    {
        // lr 0.1, μ 0.9 on (w − 3)² from 0: g = −6, v = −6, w = 0.6; g = −4.8, v = −10.2, w = 1.62;
        // g = −2.76, v = −11.94, w = 2.814.
        var quadratic = new Quadratic();
        var sgd = new Sgd(0.1f);

        Assert.Equal(0.6f, quadratic.Step(sgd), 1e-6f);
        Assert.Equal(1.62f, quadratic.Step(sgd), 1e-6f);
        Assert.Equal(2.814f, quadratic.Step(sgd), 1e-6f);
        Assert.Equal(-11.94f, sgd.State()["w/velocity"][0], 1e-5f);
    }

    [Fact]
    public void WeightDecayIsAddedToTheGradientBeforeMomentum()
    {
        // wd 0.1: d = g + 0.1·w. d = −6, w = 0.6; d = −4.74, v = −10.14, w = 1.614; d = −2.6106, v = −11.7366, w = 2.78766.
        var quadratic = new Quadratic();
        var sgd = new Sgd(0.1f, momentum: 0.9f, weightDecay: 0.1f);

        Assert.Equal(0.6f, quadratic.Step(sgd), 1e-6f);
        Assert.Equal(1.614f, quadratic.Step(sgd), 1e-6f);
        Assert.Equal(2.78766f, quadratic.Step(sgd), 1e-6f);
    }

    [Fact]
    public void WithoutMomentumItIsPlainGradientDescentAndKeepsNoState()
    {
        // w = 0 + 0.1·6 = 0.6; w = 0.6 + 0.1·4.8 = 1.08.
        var quadratic = new Quadratic();
        var sgd = new Sgd(0.1f, momentum: 0f);

        Assert.Equal(0.6f, quadratic.Step(sgd), 1e-6f);
        Assert.Equal(1.08f, quadratic.Step(sgd), 1e-6f);
        Assert.Empty(sgd.State());
    }

    [Fact]
    public void ForeignStateKeyIsRejected()
    {
        var error = Assert.Throws<AimcException>(() => new Sgd(0.1f).Restore(new Dictionary<string, float[]> { ["w/m"] = [0f] }));

        Assert.Equal("optimizer state key 'w/m' is not an SGD slot; SGD keeps only '<parameter>/velocity'", error.Message);
    }

    [Fact]
    public void RestoredStateOfTheWrongSizeIsNamedAtTheNextStep()
    {
        var sgd = new Sgd(0.1f);
        sgd.Restore(new Dictionary<string, float[]> { ["w/velocity"] = [0f, 0f] });

        var error = Assert.Throws<AimcException>(() => new Quadratic().Step(sgd));

        Assert.Equal("optimizer state for 'w' holds 2 values but the parameter has 1; the state belongs to a different model", error.Message);
    }
}
