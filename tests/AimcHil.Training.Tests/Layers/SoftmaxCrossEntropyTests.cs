using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Tests.Layers;

public class SoftmaxCrossEntropyTests
{
    [Fact]
    public void TwoClassExampleMatchesClosedForm()
    {
        // Row 0: logits (ln 3, 0) give p = (3/4, 1/4), label 0, loss ln(4/3).
        // Row 1: logits (0, 0) give p = (1/2, 1/2), label 1, loss ln 2.
        var logits = new Grid<float>(2, 2, [MathF.Log(3f), 0f, 0f, 0f]);

        var (loss, gradient) = SoftmaxCrossEntropy.Evaluate(logits, [0, 1]);

        Assert.Equal((Math.Log(4.0 / 3.0) + Math.Log(2.0)) / 2, loss, 1e-7);

        // (softmax − onehot) / batch.
        float[] expected = [(0.75f - 1f) / 2, 0.25f / 2, 0.5f / 2, (0.5f - 1f) / 2];
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], gradient.Data[i], 1e-7f);
        }
    }

    [Fact]
    public void LargeLogitsStayFinite()
    {
        var shifted = SoftmaxCrossEntropy.Evaluate(new Grid<float>(1, 3, [1000f, 1001f, 999f]), [1]);
        var plain = SoftmaxCrossEntropy.Evaluate(new Grid<float>(1, 3, [1f, 2f, 0f]), [1]);

        Assert.Equal(plain.Loss, shifted.Loss, 1e-6);
        Assert.Equal(plain.Gradient.Data, shifted.Gradient.Data);
        Assert.True(double.IsFinite(SoftmaxCrossEntropy.Evaluate(new Grid<float>(1, 2, [-1e30f, 1e30f]), [0]).Loss));
    }

    [Fact]
    public void GradientMatchesFiniteDifferences()
    {
        var random = new SeededRandom(4);
        var logits = GradientCheck.Uniform(random, 5, 4, -3f, 3f);
        int[] labels = [0, 3, 1, 1, 2];

        var (_, gradient) = SoftmaxCrossEntropy.Evaluate(logits, labels);

        GradientCheck.AssertMatches("logits", logits.Data, gradient.Data, 1e-3f, () => SoftmaxCrossEntropy.Evaluate(logits, labels).Loss);
        for (var r = 0; r < gradient.Rows; r++)
        {
            Assert.Equal(0f, gradient.Row(r).ToArray().Sum(), 1e-6f);
        }
    }

    [Fact]
    public void PredictTakesTheArgmaxAndAccuracyCountsHits()
    {
        var logits = new Grid<float>(3, 3, [0f, 2f, 1f, 5f, -1f, 5f, -3f, -2f, -1f]);

        Assert.Equal([1, 0, 2], SoftmaxCrossEntropy.Predict(logits));
        Assert.Equal(2.0 / 3.0, SoftmaxCrossEntropy.Accuracy(logits, [1, 2, 2]), 1e-12);
    }

    [Fact]
    public void LabelsMustFitTheLogits()
    {
        var logits = new Grid<float>(2, 3);

        Assert.StartsWith("1 labels for 2 rows of logits", Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropy.Evaluate(logits, [0])).Message);
        Assert.StartsWith("label 3 of example 1 is outside the 3 classes", Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropy.Evaluate(logits, [0, 3])).Message);
    }
}
