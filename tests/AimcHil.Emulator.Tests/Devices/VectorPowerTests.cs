using System.Runtime.Intrinsics;
using AimcHil.Emulator.Devices;

namespace AimcHil.Emulator.Tests.Devices;

/// <summary>The vector power behind bulk PCM read noise agrees with <see cref="Math.Pow(double, double)"/>.</summary>
public class VectorPowerTests
{
    [Theory]
    [InlineData(-0.65f)]
    [InlineData(0.65f)]
    [InlineData(-2f)]
    [InlineData(3.5f)]
    public void PowMatchesMathPowAcrossTheDeviceRange(float exponent)
    {
        for (var i = 0; i < 20000; i++)
        {
            // Log-spaced over 1e-6 … 4: tiny programmed states up to generous overshoot past g_max.
            var x = (float)Math.Pow(10, -6 + (6.6 * i / 20000));
            var got = VectorPower.Pow(Vector256.Create(x), exponent).GetElement(0);
            var expected = Math.Pow(x, exponent);

            // Float rounding of the exponent y·log2 x bounds the accuracy, so the bound grows with it.
            var bound = 2e-7 * (1 + Math.Abs(exponent * Math.Log2(x)));
            Assert.True(Math.Abs(got - expected) <= bound * expected, $"{x}^{exponent}: {got} vs {expected}");
        }
    }

    [Fact]
    public void EveryLaneIsComputedOnItsOwn()
    {
        var x = Vector256.Create(0.001f, 0.01f, 0.1f, 0.5f, 1f, 1.5f, 2f, 3f);
        var y = VectorPower.Pow(x, -0.65f);
        for (var lane = 0; lane < Vector256<float>.Count; lane++)
        {
            Assert.Equal(Math.Pow(x.GetElement(lane), -0.65), y.GetElement(lane), 1e-6 * Math.Pow(x.GetElement(lane), -0.65));
        }
    }

    [Fact]
    public void ZeroSaturatesAndNaNStaysNaN()
    {
        Assert.Equal(Math.Pow(2, 125), VectorPower.Pow(Vector256<float>.Zero, -0.65f).GetElement(0), 1e-6 * Math.Pow(2, 125));
        Assert.Equal(Math.Pow(2, -125), VectorPower.Pow(Vector256<float>.Zero, 0.65f).GetElement(0), 1e-6 * Math.Pow(2, -125));
        Assert.True(float.IsNaN(VectorPower.Pow(Vector256.Create(float.NaN), -0.65f).GetElement(0)));
    }
}
