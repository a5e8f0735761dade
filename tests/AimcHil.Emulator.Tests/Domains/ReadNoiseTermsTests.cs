using System.Numerics.Tensors;
using AimcHil.Emulator.Domains;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Tests.Domains;

/// <summary>The one-pass read-noise terms against one whole-array pass per step, bit for bit.</summary>
public class ReadNoiseTermsTests
{
    [Theory]
    [InlineData(37, true)]
    [InlineData(64, false)]
    [InlineData(5, true)]
    public void OnePassIsTheSeparatePassesBitForBit(int length, bool withHeld)
    {
        var rng = SeededRandom.For(2, "terms");
        float[] Draw(float low, float high)
        {
            var values = new float[length];
            rng.FillUniform(values, low, high);
            return values;
        }

        var sigma = Draw(0f, 0.05f);
        sigma[3] = 0f;
        var gain = Draw(0.5f, 1.5f);
        var held = Draw(-3f, 3f);
        var slow = Draw(-0.01f, 0.01f);
        var variance = Draw(0f, 1e-4f);
        const float HeldScale = 0.98f;
        const float White = 0.031f;

        var expectedSlow = (float[])slow.Clone();
        var expectedVariance = (float[])variance.Clone();
        var s = new float[length];
        TensorPrimitives.Multiply(sigma, gain, s);
        if (withHeld)
        {
            var term = new float[length];
            TensorPrimitives.Multiply(s, held, term);
            TensorPrimitives.MultiplyAdd(term, HeldScale, expectedSlow, expectedSlow);
        }

        TensorPrimitives.Multiply(s, s, s);
        TensorPrimitives.MultiplyAdd(s, White, expectedVariance, expectedVariance);

        var any = ReadNoiseTerms.Accumulate(sigma, gain, withHeld ? held : default, HeldScale, White, withHeld ? slow : default, variance);

        Assert.True(any);
        Assert.Equal(expectedVariance, variance);
        Assert.Equal(withHeld ? expectedSlow : slow, slow);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(16)]
    [InlineData(21)]
    public void AnyIsFalseOnlyWhenEverySigmaIsZero(int length)
    {
        var sigma = new float[length];
        var ones = Enumerable.Repeat(1f, length).ToArray();
        Assert.False(ReadNoiseTerms.Accumulate(sigma, ones, ones, 1f, 1f, new float[length], new float[length]));

        sigma[length - 1] = float.NaN;
        Assert.True(ReadNoiseTerms.Accumulate(sigma, ones, default, 1f, 1f, default, new float[length]));
        sigma[length - 1] = 0f;
        sigma[0] = -1e-30f;
        Assert.True(ReadNoiseTerms.Accumulate(sigma, ones, default, 1f, 1f, default, new float[length]));
    }
}
