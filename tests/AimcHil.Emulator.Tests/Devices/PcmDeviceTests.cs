using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Numerics;
using MathNet.Numerics.Distributions;

namespace AimcHil.Emulator.Tests.Devices;

public class PcmDeviceTests
{
    private const int Samples = 20000;
    private const double GMaxMicroSiemens = 25.0;

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void ProgrammingNoiseFollowsTheNandakumarPolynomial(double target)
    {
        var device = new PcmDevice();
        var rng = new SeededRandom(11);
        var gTargetMicroSiemens = target * GMaxMicroSiemens;
        var expectedSigmaMicroSiemens = 0.26348 + (1.9650 * target) - (1.1731 * target * target);

        var programmedMicroSiemens = new double[Samples];
        for (var i = 0; i < Samples; i++)
        {
            programmedMicroSiemens[i] = device.ProgramOnce((float)target, rng) * GMaxMicroSiemens;
        }

        var (mean, std) = MeanAndStd(programmedMicroSiemens);

        // The clip at 0 is ≥ 5.5σ below every target here, so the samples are a plain Gaussian.
        Assert.True(gTargetMicroSiemens > 5.5 * expectedSigmaMicroSiemens);
        Assert.InRange(std / expectedSigmaMicroSiemens, 0.97, 1.03);
        Assert.InRange(mean - gTargetMicroSiemens, -4 * expectedSigmaMicroSiemens / Math.Sqrt(Samples), 4 * expectedSigmaMicroSiemens / Math.Sqrt(Samples));
    }

    [Fact]
    public void ProgrammingNoiseIsRelativeToGMaxAndScalable()
    {
        var device = new PcmDevice(new PcmConfig { GMaxSiemens = 50e-6, ProgrammingNoiseScale = 2.0 });

        // aihwkit rescales the µS fit by g_max/25 µS, so the normalized σ is the fit over 25 µS whatever g_max is.
        Assert.Equal(2.0 * (0.26348 + 1.9650 - 1.1731) / 25.0, device.ProgrammingSigma(1.0), 12);
        Assert.Equal(50e-6, device.FullScale);
    }

    [Fact]
    public void ProgrammedStateIsClippedAtZeroButNotAboveFullScale()
    {
        var device = new PcmDevice(new PcmConfig { ProgrammingNoiseScale = 20.0 });
        var rng = new SeededRandom(3);
        var sawAboveOne = false;
        var sawZero = false;
        for (var i = 0; i < 2000; i++)
        {
            var low = device.ProgramOnce(0.02f, rng);
            Assert.True(low >= 0f);
            sawZero |= low == 0f;
            sawAboveOne |= device.ProgramOnce(1.0f, rng) > 1f;
        }

        Assert.True(sawZero);
        Assert.True(sawAboveOne);
    }

    [Theory]
    [InlineData(1e-12)]
    [InlineData(0.01)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void DriftExponentIsTheFoldedNormalOfTheFit(double target)
    {
        var device = new PcmDevice();
        var rng = new SeededRandom(29);
        var mu = Math.Clamp((-0.0155 * Math.Log(target)) + 0.0244, 0.049, 0.1);
        var sigma = Math.Clamp((-0.0125 * Math.Log(target)) - 0.0059, 0.008, 0.045);
        var (foldedMean, foldedStd) = FoldedNormal(mu, sigma);

        var nu = new double[Samples];
        for (var i = 0; i < Samples; i++)
        {
            nu[i] = device.DrawDriftExponent((float)target, rng);
            Assert.True(nu[i] >= 0);
        }

        var (mean, std) = MeanAndStd(nu);
        Assert.InRange(mean - foldedMean, -4 * foldedStd / Math.Sqrt(Samples), 4 * foldedStd / Math.Sqrt(Samples));
        Assert.InRange(std / foldedStd, 0.97, 1.03);
    }

    [Fact]
    public void DriftExponentParametersAreClippedAtBothEnds()
    {
        // Full scale: ln 1 = 0 puts both fits below their floors.
        Assert.Equal(0.049, PcmDevice.DriftExponentMean(1.0));
        Assert.Equal(0.008, PcmDevice.DriftExponentSigma(1.0));

        // Tiny and zero targets: both fits above their ceilings; zero must not give NaN.
        Assert.Equal(0.1, PcmDevice.DriftExponentMean(1e-9));
        Assert.Equal(0.045, PcmDevice.DriftExponentSigma(1e-9));
        Assert.Equal(0.1, PcmDevice.DriftExponentMean(0.0));
        Assert.Equal(0.045, PcmDevice.DriftExponentSigma(0.0));

        // Inside the clip range the fit itself applies.
        Assert.Equal((-0.0155 * Math.Log(0.1)) + 0.0244, PcmDevice.DriftExponentMean(0.1), 15);
        Assert.Equal((-0.0125 * Math.Log(0.1)) - 0.0059, PcmDevice.DriftExponentSigma(0.1), 15);

        var nu = new PcmDevice().DrawDriftExponent(0f, new SeededRandom(1));
        Assert.True(float.IsFinite(nu));
    }

    [Fact]
    public void DriftScaleMultipliesTheExponent()
    {
        var nominal = new PcmDevice().DrawDriftExponent(0.3f, new SeededRandom(5));
        var scaled = new PcmDevice(new PcmConfig { DriftScale = 2.0 }).DrawDriftExponent(0.3f, new SeededRandom(5));
        Assert.Equal(2.0 * nominal, scaled, 6);
    }

    [Fact]
    public void DriftIsAPowerLawReferencedToT0()
    {
        var device = new PcmDevice();
        const float programmed = 0.8f;
        const float nu = 0.06f;

        Assert.Equal(programmed, device.Drifted(programmed, nu, 0));
        Assert.Equal((float)(programmed * Math.Pow(2.0, -(double)nu)), device.Drifted(programmed, nu, 20.0));

        var oneDay = 86400.0;
        Assert.Equal((float)(programmed * Math.Pow((oneDay + 20.0) / 20.0, -(double)nu)), device.Drifted(programmed, nu, oneDay));
        Assert.True(device.Drifted(programmed, nu, oneDay) < device.Drifted(programmed, nu, 3600));
    }

    [Fact]
    public void ReadNoiseOfAnInferenceReadOneSecondInIsAihwkitsAtTPlusT0()
    {
        // aihwkit reads at t_inference + t0 after the pulse; t_inference = 1 s is 21 s after it.
        var device = new PcmDevice();
        var expected = 0.0088 * Math.Sqrt(Math.Log((1 + 20 + 250e-9) / 500e-9));

        Assert.Equal(20.0, device.SettlingSeconds);
        Assert.Equal(expected, device.ReadNoiseSigma(1f, 1f, 1.0 + device.SettlingSeconds), 1e-6);

        // σ is relative to the (drifted) state read, with Q_s from the programmed state.
        Assert.Equal(0.5 * expected, device.ReadNoiseSigma(1f, 0.5f, 21.0), 1e-6);
        var qsHalf = 0.0088 / Math.Pow(0.5, 0.65);
        Assert.Equal(0.4 * qsHalf * Math.Sqrt(Math.Log((1 + 20 + 250e-9) / 500e-9)), device.ReadNoiseSigma(0.5f, 0.4f, 21.0), 1e-6);
    }

    [Fact]
    public void ReadNoiseQsIsCappedForTinyStates()
    {
        var device = new PcmDevice();
        var band = Math.Sqrt(Math.Log((1 + 20 + 250e-9) / 500e-9));

        Assert.Equal(0.2, PcmDevice.ReadNoiseQs(1e-4));
        Assert.Equal(0.2, PcmDevice.ReadNoiseQs(0.0));
        Assert.Equal(0.2 * band, device.ReadNoiseSigma(1e-4f, 1f, 21.0), 1e-6);

        // Just above the cap's knee ((0.0088/0.2)^(1/0.65) ≈ 0.0082) the fit applies again.
        Assert.Equal(0.0088 / Math.Pow(0.05, 0.65), PcmDevice.ReadNoiseQs(0.05), 12);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(-1.0, 0.0)]
    [InlineData(250e-9, 0.0)] // t + t_read = 2 t_read: the band has no width yet
    [InlineData(1e-6, 0.95723)] // a verify read one pulse time after its pulse: sqrt(ln(1.25 µs / 0.5 µs))
    [InlineData(20.0, 4.18382)] // the first inference read, at t0: sqrt(ln((20 s + 250 ns) / 500 ns))
    public void ReadNoiseGrowsWithTheTimeSinceThePulse(double seconds, double band)
    {
        // σ = Q_s·sqrt(ln((t + t_read)/(2 t_read))) with t the time since the pulse and Q_s(1) = 0.0088.
        Assert.Equal(band, Math.Sqrt(Math.Max(Math.Log((Math.Max(seconds, 0) + 250e-9) / 500e-9), 0)), 5);
        Assert.Equal(0.0088 * band, new PcmDevice().ReadNoiseSigma(1f, 1f, seconds), 6);
    }

    [Fact]
    public void OctavesFasterThanOneReadAreWhiteTheRestIsHeld()
    {
        // One MVM lasts 1 µs: the band from 1/(1 µs) to 1/(500 ns), ln 2 of it, renews on every read.
        var device = new PcmDevice();
        var hour = 3600.0 + 20;
        Assert.Equal(Math.Log(2) / Math.Log((hour + 250e-9) / 500e-9), device.ReadNoiseWhiteFraction(hour, 1e-6), 12);
        Assert.Equal(0.0305, device.ReadNoiseWhiteFraction(hour, 1e-6), 4);

        // A read of 250 ns or less has nothing faster than itself inside the band: all held.
        Assert.Equal(0, device.ReadNoiseWhiteFraction(hour, 100e-9));

        // Before any held octave exists (t + t_read below one read), everything is white.
        Assert.Equal(1, device.ReadNoiseWhiteFraction(0.5e-6, 1e-6));
    }

    [Fact]
    public void HeldNoiseKeepsTheOctavesSlowerThanTheTimeBetweenReads()
    {
        var device = new PcmDevice();
        double Held(double t) => Math.Log((t + 250e-9) / 1e-6);

        // Reads 1 s apart at 1 h: the octaves from 1/(1 h) to 1/(1 s) are shared.
        var expected = Math.Log((3600 + 250e-9) / 1.0) / Math.Sqrt(Held(3600) * Held(3601));
        Assert.Equal(expected, device.ReadNoiseCorrelation(3600, 3601, 1e-6), 12);
        Assert.InRange(expected, 0.36, 0.38);

        // Reads closer than one read share all of it but the octaves the later one adds; a doubled time shares none.
        Assert.Equal(Math.Sqrt(Held(3600) / Held(3600 + 1e-7)), device.ReadNoiseCorrelation(3600, 3600 + 1e-7, 1e-6), 9);
        Assert.Equal(0, device.ReadNoiseCorrelation(3600, 7200, 1e-6), 9);
    }

    [Fact]
    public void IdealConfigurationIsExactAndStill()
    {
        var device = new PcmDevice(new PcmConfig { StuckOnFraction = 0.1, StuckOffFraction = 0.1 }.Ideal());
        var rng = new SeededRandom(7);
        var before = new SeededRandom(7).NextUInt64();

        Assert.Equal(0.37f, device.ProgramOnce(0.37f, rng));
        Assert.Equal(0f, device.DrawDriftExponent(0.37f, rng));
        Assert.Equal(0.37f, device.Drifted(0.37f, 0.05f, 1e6));
        Assert.Equal(0f, device.ReadNoiseSigma(0.37f, 0.37f, 1e6));
        Assert.Equal(StuckState.None, device.DrawStuck(rng));
        Assert.Equal(1f, device.DrawMismatch(rng));
        Assert.Equal(before, rng.NextUInt64());
        Assert.All(device.Describe(), n => Assert.False(n.Enabled));
    }

    [Fact]
    public void IsAnalogLinearAndMismatchFree()
    {
        var device = new PcmDevice();
        var rng = new SeededRandom(9);
        var before = new SeededRandom(9).NextUInt64();

        Assert.Equal(DeviceTechnology.Pcm, device.Technology);
        Assert.Equal(0, device.Levels);
        Assert.Equal(0f, device.MinState);
        Assert.Equal("S", device.StateUnit);
        Assert.True(device.NonLinearity.IsLinear);
        Assert.Equal(0.4321f, device.Quantize(0.4321f));
        Assert.Equal(1f, device.Quantize(1.5f));
        Assert.Equal(0f, device.Quantize(-0.5f));

        // Neither the mismatch nor the default (zero-fraction) stuck-at draw touches the stream.
        Assert.Equal(1f, device.DrawMismatch(rng));
        Assert.Equal(StuckState.None, device.DrawStuck(rng));
        Assert.Equal(before, rng.NextUInt64());
    }

    [Fact]
    public void StuckFractionsCanBeSwitchedOn()
    {
        var device = new PcmDevice(new PcmConfig { StuckOnFraction = 0.02, StuckOffFraction = 0.03 });
        var rng = new SeededRandom(13);
        const int n = 200000;
        int on = 0, off = 0;
        for (var i = 0; i < n; i++)
        {
            switch (device.DrawStuck(rng))
            {
                case StuckState.StuckOn: on++; break;
                case StuckState.StuckOff: off++; break;
            }
        }

        AssertBinomial(on, n, 0.02);
        AssertBinomial(off, n, 0.03);
    }

    [Fact]
    public void SameSeedGivesSameDraws()
    {
        var device = new PcmDevice(new PcmConfig { StuckOnFraction = 0.1 });
        var a = new SeededRandom(42);
        var b = new SeededRandom(42);
        for (var i = 0; i < 100; i++)
        {
            var target = (i % 10) / 10f;
            Assert.Equal(device.ProgramOnce(target, a), device.ProgramOnce(target, b));
            Assert.Equal(device.DrawDriftExponent(target, a), device.DrawDriftExponent(target, b));
            Assert.Equal(device.DrawStuck(a), device.DrawStuck(b));
        }
    }

    [Fact]
    public void DescribeReflectsTheConfiguration()
    {
        var described = new PcmDevice().Describe();
        Assert.Equal(new[] { "programming_noise", "drift", "read_noise", "stuck_at" }, described.Select(n => n.Name));
        var defaults = described.ToDictionary(n => n.Name);
        Assert.True(defaults["programming_noise"].Enabled);
        Assert.True(defaults["drift"].Enabled);
        Assert.True(defaults["read_noise"].Enabled);
        Assert.False(defaults["stuck_at"].Enabled);

        var custom = new PcmDevice(new PcmConfig { Drift = false, ReadNoiseScale = 0, StuckOnFraction = 0.01, ProgrammingNoiseScale = 1.5 })
            .Describe().ToDictionary(n => n.Name);
        Assert.True(custom["programming_noise"].Enabled);
        Assert.Equal(1.5, custom["programming_noise"].Value);
        Assert.False(custom["drift"].Enabled);
        Assert.False(custom["read_noise"].Enabled);
        Assert.True(custom["stuck_at"].Enabled);
        Assert.Equal(0.01, custom["stuck_at"].Value);
    }

    [Fact]
    public void InvalidConfigurationIsRejected()
    {
        Assert.Equal("pcm.g_max_siemens = 0: must be a finite number > 0 and ≤ 0.01", Assert.Throws<AimcException>(() => new PcmDevice(new PcmConfig { GMaxSiemens = 0 })).Message);
        Assert.Equal("pcm.t0_seconds = -1: must be a finite number > 0", Assert.Throws<AimcException>(() => new PcmDevice(new PcmConfig { T0Seconds = -1 })).Message);
        Assert.Equal("pcm.stuck_on_fraction + stuck_off_fraction = 1.4: must be at most 1 (a device is stuck one way or the other)", Assert.Throws<AimcException>(() => new PcmDevice(new PcmConfig { StuckOnFraction = 0.7, StuckOffFraction = 0.7 })).Message);
    }

    internal static (double Mean, double Std) MeanAndStd(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        var sumSq = values.Sum(v => (v - mean) * (v - mean));
        return (mean, Math.Sqrt(sumSq / (values.Count - 1)));
    }

    internal static void AssertBinomial(int count, int n, double p)
    {
        var sd = Math.Sqrt(n * p * (1 - p));
        Assert.InRange(count, (n * p) - (4 * sd), (n * p) + (4 * sd));
    }

    /// <summary>Mean and standard deviation of |X| for X ~ N(μ, σ²).</summary>
    private static (double Mean, double Std) FoldedNormal(double mu, double sigma)
    {
        var mean = (sigma * Math.Sqrt(2 / Math.PI) * Math.Exp(-mu * mu / (2 * sigma * sigma))) + (mu * (1 - (2 * Normal.CDF(0, 1, -mu / sigma))));
        var variance = (mu * mu) + (sigma * sigma) - (mean * mean);
        return (mean, Math.Sqrt(variance));
    }
}
