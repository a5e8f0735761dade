using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Mapping;
using AimcHil.Numerics;
using AimcHil.Training.Analog;

namespace AimcHil.Training.Tests.Analog;

/// <summary>The noise mode's draws of a programming: for a weight w on a differential pair, G⁺ and G⁻ are each one
/// pulse of aihwkit's PCM law, g = max(g_T + σ(g_T)·ξ, 0) with σ = (0.26348 + 1.9650·g_T − 1.1731·g_T²)/25, and the
/// weight is G⁺ − G⁻. Mean and spread of many draws per level against that closed form.</summary>
public class ProgrammingNoiseSamplerTests
{
    private const int Draws = 200_000;

    [Theory]
    [InlineData(-1.0)]
    [InlineData(-0.4)]
    [InlineData(0.0)]
    [InlineData(0.05)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void NoisyWeightsFollowThePcmProgrammingLawOnBothDevices(double weight)
    {
        var device = new PcmDevice(new PcmConfig { Drift = false, ReadNoise = false, StuckAt = false });
        var sampler = new ProgrammingNoiseSampler(device, new DifferentialPairEncoding(device), SeededRandom.For(4, "sampler"));
        var targets = new float[Draws];
        Array.Fill(targets, (float)weight);
        var noisy = new float[Draws];

        sampler.Sample(targets, noisy);

        var (expectedMean, expectedSigma) = PcmProgrammingLaw.PairWeight(weight);
        var mean = noisy.Average(v => (double)v);
        var sigma = Math.Sqrt(noisy.Sum(v => (v - mean) * (v - mean)) / (Draws - 1));

        // Five standard errors: of the mean σ/√n, of the standard deviation about σ/√(2n) (more for a clipped law).
        Assert.InRange(mean - expectedMean, -5 * expectedSigma / Math.Sqrt(Draws), 5 * expectedSigma / Math.Sqrt(Draws));
        Assert.InRange(sigma / expectedSigma, 1 - (8 / Math.Sqrt(2.0 * Draws)), 1 + (8 / Math.Sqrt(2.0 * Draws)));
    }

    [Fact]
    public void DrawsDependOnlyOnTheSeed()
    {
        var device = new PcmDevice();
        float[] Draw()
        {
            var sampler = new ProgrammingNoiseSampler(device, new DifferentialPairEncoding(device), SeededRandom.For(9, "sampler"));
            var targets = Enumerable.Range(0, 1000).Select(k => (k / 500f) - 1f).ToArray();
            var noisy = new float[targets.Length];
            sampler.Sample(targets, noisy);
            sampler.Sample(targets, noisy);
            return noisy;
        }

        Assert.Equal(Draw(), Draw());
    }
}
