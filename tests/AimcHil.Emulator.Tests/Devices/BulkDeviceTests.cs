using AimcHil.Emulator.Devices;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Tests.Devices;

/// <summary>The bulk device operations of a single-pulse write follow the same laws as the per-device ones and draw
/// nothing for a non-ideality that is not in effect.</summary>
public class BulkDeviceTests
{
    private const int Samples = 20000;
    private const double GMaxMicroSiemens = 25.0;

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void PcmBulkProgrammingFollowsTheNandakumarPolynomial(double target)
    {
        IDeviceModel device = new PcmDevice();
        var targets = Filled(Samples, (float)target);
        var programmed = new float[Samples];

        device.ProgramOnce(targets, programmed, new SeededRandom(11));

        var expectedSigmaMicroSiemens = 0.26348 + (1.9650 * target) - (1.1731 * target * target);
        var (mean, std) = PcmDeviceTests.MeanAndStd([.. programmed.Select(g => g * GMaxMicroSiemens)]);
        Assert.InRange(std / expectedSigmaMicroSiemens, 0.97, 1.03);
        var tolerance = 4 * expectedSigmaMicroSiemens / Math.Sqrt(Samples);
        Assert.InRange(mean - (target * GMaxMicroSiemens), -tolerance, tolerance);
    }

    [Fact]
    public void PcmBulkProgrammingIsClippedAtZeroButNotAboveFullScale()
    {
        IDeviceModel device = new PcmDevice(new PcmConfig { ProgrammingNoiseScale = 20.0 });
        var low = new float[2000];
        var high = new float[2000];

        device.ProgramOnce(Filled(2000, 0.02f), low, new SeededRandom(3));
        device.ProgramOnce(Filled(2000, 1f), high, new SeededRandom(4));

        Assert.All(low, g => Assert.True(g >= 0f));
        Assert.Contains(0f, low);
        Assert.Contains(high, g => g > 1f);
    }

    [Theory]
    [InlineData(1e-12)]
    [InlineData(0.1)]
    [InlineData(1.0)]
    public void PcmBulkDriftExponentsAreTheFoldedNormalOfTheFit(double target)
    {
        IDeviceModel device = new PcmDevice();
        var nu = new float[Samples];

        device.DrawDriftExponents(Filled(Samples, (float)target), nu, new SeededRandom(29));

        // The per-device draws are the reference: the same law, drawn one by one from another stream.
        var rng = new SeededRandom(30);
        var reference = Enumerable.Range(0, Samples).Select(_ => (double)device.DrawDriftExponent((float)target, rng)).ToList();
        var (mean, std) = PcmDeviceTests.MeanAndStd([.. nu.Select(v => (double)v)]);
        var (referenceMean, referenceStd) = PcmDeviceTests.MeanAndStd(reference);
        Assert.All(nu, v => Assert.True(v >= 0f));
        Assert.InRange(mean - referenceMean, -6 * referenceStd / Math.Sqrt(Samples), 6 * referenceStd / Math.Sqrt(Samples));
        Assert.InRange(std / referenceStd, 0.95, 1.05);
    }

    [Fact]
    public void PcmBulkDriftExponentsCarryTheDriftScale()
    {
        var targets = Filled(64, 0.3f);
        var nominal = new float[64];
        var scaled = new float[64];

        ((IDeviceModel)new PcmDevice()).DrawDriftExponents(targets, nominal, new SeededRandom(5));
        ((IDeviceModel)new PcmDevice(new PcmConfig { DriftScale = 2.0 })).DrawDriftExponents(targets, scaled, new SeededRandom(5));

        for (var k = 0; k < targets.Length; k++)
        {
            Assert.Equal(2.0 * nominal[k], scaled[k], 6);
        }
    }

    [Fact]
    public void RramBulkProgrammingHasTheConfiguredSigmaAndClip()
    {
        IDeviceModel device = new RramDevice();
        var programmed = new float[Samples];
        device.ProgramOnce(Filled(Samples, 0.5f), programmed, new SeededRandom(77));
        var (mean, std) = PcmDeviceTests.MeanAndStd([.. programmed.Select(g => (double)g)]);
        Assert.InRange(std / 0.03, 0.97, 1.03);
        Assert.InRange(mean - 0.5, -4 * 0.03 / Math.Sqrt(Samples), 4 * 0.03 / Math.Sqrt(Samples));

        IDeviceModel wide = new RramDevice(new RramConfig { ProgrammingSigma = 0.5 });
        var clipped = new float[2000];
        wide.ProgramOnce([.. Enumerable.Range(0, 2000).Select(i => i % 2 == 0 ? 0.1f : 1f)], clipped, new SeededRandom(8));
        Assert.All(clipped, g => Assert.InRange(g, 0f, 1.2f));
        Assert.Contains(0f, clipped);
        Assert.Contains(1.2f, clipped);
    }

    public static TheoryData<string> Devices() => ["pcm", "pcm-ideal", "rram", "rram-ideal", "sram"];

    [Theory]
    [MemberData(nameof(Devices))]
    public void BulkOperationsAreDeterministicAndMayWorkInPlace(string name)
    {
        var device = Create(name);
        var targets = Targets(1003);
        var programmed = new float[targets.Length];
        var inPlace = (float[])targets.Clone();
        var nu = new float[targets.Length];
        var nuInPlace = (float[])targets.Clone();

        var a = new SeededRandom(42);
        device.ProgramOnce(targets, programmed, a);
        device.DrawDriftExponents(targets, nu, a);
        var b = new SeededRandom(42);
        device.ProgramOnce(inPlace, inPlace, b);
        device.DrawDriftExponents(targets, nuInPlace, b);

        Assert.Equal(programmed, inPlace);
        Assert.Equal(nu, nuInPlace);
        Assert.Equal(a.NextUInt64(), b.NextUInt64());
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void SplittingAnArrayIntoCallsDoesNotChangeTheDraws(string name)
    {
        var device = Create(name);
        var targets = Targets(1000);
        var whole = new float[targets.Length];
        var split = new float[targets.Length];

        device.ProgramOnce(targets, whole, new SeededRandom(9));
        var rng = new SeededRandom(9);
        device.ProgramOnce(targets.AsSpan(0, 333), split.AsSpan(0, 333), rng);
        device.ProgramOnce(targets.AsSpan(333), split.AsSpan(333), rng);

        Assert.Equal(whole, split);
    }

    [Theory]
    [InlineData("pcm-ideal")]
    [InlineData("rram-ideal")]
    [InlineData("sram")]
    public void BulkOperationsOfIdealDevicesAreExactAndDrawNothing(string name)
    {
        var device = Create(name);
        var targets = Targets(100).Select(device.Quantize).ToArray();
        var programmed = new float[targets.Length];
        var nu = Filled(targets.Length, 0.5f);
        var rng = new SeededRandom(7);
        var before = new SeededRandom(7).NextUInt64();

        device.ProgramOnce(targets, programmed, rng);
        device.DrawDriftExponents(targets, nu, rng);

        Assert.Equal(targets, programmed);
        Assert.All(nu, v => Assert.Equal(0f, v));
        Assert.False(device.Drifts);
        Assert.Equal(before, rng.NextUInt64());
    }

    [Fact]
    public void OnlyAPcmDeviceWithDriftInEffectDrifts()
    {
        Assert.True(new PcmDevice().Drifts);
        Assert.False(new PcmDevice(new PcmConfig { Drift = false }).Drifts);
        Assert.False(new PcmDevice(new PcmConfig { DriftScale = 0 }).Drifts);
        Assert.False(new RramDevice().Drifts);
        Assert.False(new SramDevice().Drifts);
    }

    [Theory]
    [MemberData(nameof(Devices))]
    public void BulkQuantizeEqualsThePerDeviceQuantizer(string name)
    {
        var device = Create(name);
        var targets = Targets(1000);
        targets[0] = -0.5f;
        targets[1] = 1.5f;
        var quantized = new float[targets.Length];

        device.Quantize(targets, quantized);

        Assert.Equal(targets.Select(device.Quantize), quantized);
    }

    private static IDeviceModel Create(string name) => name switch
    {
        "pcm" => new PcmDevice(),
        "pcm-ideal" => new PcmDevice(new PcmConfig().Ideal()),
        "rram" => new RramDevice(),
        "rram-ideal" => new RramDevice(new RramConfig().Ideal()),
        _ => new SramDevice(),
    };

    private static float[] Targets(int count)
    {
        var targets = new float[count];
        SeededRandom.For(1, "bulk targets").FillUniform(targets, 0f, 1f);
        return targets;
    }

    private static float[] Filled(int count, float value)
    {
        var values = new float[count];
        Array.Fill(values, value);
        return values;
    }
}
