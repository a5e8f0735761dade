using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Tests.Devices;

public class RramDeviceTests
{
    [Fact]
    public void DefaultsAreAFiniteOnOffSixteenLevelDevice()
    {
        var device = new RramDevice();

        Assert.Equal(DeviceTechnology.Rram, device.Technology);
        Assert.Equal(100e-6, device.FullScale);
        Assert.Equal("S", device.StateUnit);
        Assert.Equal(0.1f, device.MinState);
        Assert.Equal(16, device.Levels);
    }

    [Fact]
    public void QuantizeSnapsToSixteenEvenlySpacedLevelsFromGMinToGMax()
    {
        var device = new RramDevice();
        var step = 0.9 / 15;
        for (var k = 0; k < 16; k++)
        {
            var level = (float)(0.1 + (0.06 * k));
            Assert.Equal(level, device.Quantize(level));
            Assert.Equal(level, device.Quantize((float)(0.1 + (0.06 * k) + (0.45 * step))));
            Assert.Equal(level, device.Quantize((float)(0.1 + (0.06 * k) - (0.45 * step))));
        }

        Assert.Equal(0.1f, device.Quantize(0f));
        Assert.Equal(0.1f, device.Quantize(-3f));
        Assert.Equal(1f, device.Quantize(1f));
        Assert.Equal(1f, device.Quantize(7f));
        Assert.Equal(0.16f, device.Quantize(0.14f));
        Assert.Equal(0.16f, device.Quantize(0.18f));
        Assert.Equal(16, Enumerable.Range(0, 1001).Select(i => device.Quantize(i / 1000f)).Distinct().Count());
    }

    [Fact]
    public void SwitchingOffFiniteOnOffAndLevelsGivesAnAnalogDeviceDownToZero()
    {
        var device = new RramDevice(new RramConfig { FiniteOnOff = false, FiniteLevels = false });

        Assert.Equal(0f, device.MinState);
        Assert.Equal(0, device.Levels);
        Assert.Equal(0.123f, device.Quantize(0.123f));
        Assert.Equal(0f, device.Quantize(-0.1f));

        var levelsFromZero = new RramDevice(new RramConfig { FiniteOnOff = false, Levels = 4 });
        Assert.Equal(1f / 3f, levelsFromZero.Quantize(0.3f));
        Assert.Equal(0f, levelsFromZero.Quantize(0.1f));
    }

    [Fact]
    public void StuckFractionsMatchTheirBinomialExpectations()
    {
        var device = new RramDevice();
        var rng = new SeededRandom(101);
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

        PcmDeviceTests.AssertBinomial(on, n, 0.005);
        PcmDeviceTests.AssertBinomial(off, n, 0.005);
    }

    [Fact]
    public void StuckDrawUsesExactlyOneUniformPerDevice()
    {
        var device = new RramDevice();
        var rng = new SeededRandom(55);
        var reference = new SeededRandom(55);

        device.DrawStuck(rng);
        reference.NextDouble();

        Assert.Equal(reference.NextUInt64(), rng.NextUInt64());
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.7)]
    public void ProgrammingNoiseHasTheConfiguredSigma(double target)
    {
        var device = new RramDevice();
        var rng = new SeededRandom(77);
        const int n = 20000;
        var programmed = new double[n];
        for (var i = 0; i < n; i++)
        {
            programmed[i] = device.ProgramOnce((float)target, rng);
        }

        var (mean, std) = PcmDeviceTests.MeanAndStd(programmed);
        Assert.InRange(std / 0.03, 0.97, 1.03);
        Assert.InRange(mean - target, -4 * 0.03 / Math.Sqrt(n), 4 * 0.03 / Math.Sqrt(n));
    }

    [Fact]
    public void ProgrammedStateIsClippedToZeroAndTheComplianceCeiling()
    {
        var device = new RramDevice(new RramConfig { ProgrammingSigma = 0.5 });
        var rng = new SeededRandom(8);
        var sawFloor = false;
        var sawCeiling = false;
        for (var i = 0; i < 2000; i++)
        {
            var g = device.ProgramOnce(i % 2 == 0 ? 0.1f : 1f, rng);
            Assert.InRange(g, 0f, 1.2f);
            sawFloor |= g == 0f;
            sawCeiling |= g == 1.2f;
        }

        Assert.True(sawFloor);
        Assert.True(sawCeiling);
    }

    [Fact]
    public void ReadNoiseIsRelativeToTheStateAndTimeIndependent()
    {
        var device = new RramDevice();

        Assert.Equal(0.01f * 0.6f, device.ReadNoiseSigma(0.6f, 0.6f, 1e-3), 1e-7f);
        Assert.Equal(device.ReadNoiseSigma(0.6f, 0.6f, 1e-3), device.ReadNoiseSigma(0.6f, 0.6f, 1e6));
        Assert.Equal(0f, new RramDevice(new RramConfig { ReadNoise = false }).ReadNoiseSigma(0.6f, 0.6f, 1));
    }

    [Fact]
    public void DoesNotDrift()
    {
        var device = new RramDevice();
        var rng = new SeededRandom(4);
        var before = new SeededRandom(4).NextUInt64();

        Assert.Equal(0f, device.DrawDriftExponent(0.5f, rng));
        Assert.Equal(0.5f, device.Drifted(0.5f, 0.1f, 1e7));
        Assert.Equal(1f, device.DrawMismatch(rng));
        Assert.Equal(before, rng.NextUInt64());
    }

    [Fact]
    public void NonLinearityFollowsTheConfigAndIsZeroWhenOff()
    {
        // Default: a3 = 2.5 /V², 10 % above Ohm's law at 0.2 V (2.5 · 0.2² = 0.1), no a2.
        Assert.Equal(new IvNonLinearity(0.0, 2.5), new RramDevice().NonLinearity);
        Assert.Equal(new IvNonLinearity(1.25, 5.0), new RramDevice(new RramConfig { IvA2PerVolt = 1.25, IvA3PerVoltSquared = 5.0 }).NonLinearity);

        var off = new RramDevice(new RramConfig { IvNonLinearity = false, IvA2PerVolt = 1.25, IvA3PerVoltSquared = 5.0 }).NonLinearity;
        Assert.True(off.IsLinear);
        Assert.Equal(0.0, off.A2PerVolt);
        Assert.Equal(0.0, off.A3PerVoltSquared);
    }

    [Fact]
    public void IdealConfigurationHasNoNoise()
    {
        var device = new RramDevice(new RramConfig().Ideal());
        var rng = new SeededRandom(21);
        var before = new SeededRandom(21).NextUInt64();

        Assert.Equal(0f, device.MinState);
        Assert.Equal(0, device.Levels);
        Assert.True(device.NonLinearity.IsLinear);
        foreach (var target in new[] { 0f, 0.123f, 0.5f, 1f })
        {
            Assert.Equal(target, device.Quantize(target));
            Assert.Equal(target, device.ProgramOnce(target, rng));
            Assert.Equal(0f, device.ReadNoiseSigma(target, target, 1.0));
            Assert.Equal(StuckState.None, device.DrawStuck(rng));
        }

        Assert.Equal(before, rng.NextUInt64());
        Assert.All(device.Describe(), n => Assert.False(n.Enabled));
    }

    [Fact]
    public void SameSeedGivesSameDraws()
    {
        var device = new RramDevice();
        var a = new SeededRandom(1234);
        var b = new SeededRandom(1234);
        for (var i = 0; i < 200; i++)
        {
            var target = device.Quantize(i / 200f);
            Assert.Equal(device.DrawStuck(a), device.DrawStuck(b));
            Assert.Equal(device.ProgramOnce(target, a), device.ProgramOnce(target, b));
        }
    }

    [Fact]
    public void DescribeReflectsTheConfiguration()
    {
        var described = new RramDevice().Describe();
        Assert.Equal(
            new[] { "programming_noise", "read_noise", "finite_on_off", "finite_levels", "iv_nonlinearity", "stuck_at" },
            described.Select(n => n.Name));
        Assert.All(described, n => Assert.True(n.Enabled));
        var defaults = described.ToDictionary(n => n.Name);
        Assert.Equal(0.03, defaults["programming_noise"].Value);
        Assert.Equal(10.0, defaults["finite_on_off"].Value);
        Assert.Equal(16.0, defaults["finite_levels"].Value);
        Assert.Equal(0.01, defaults["stuck_at"].Value);

        var custom = new RramDevice(new RramConfig { ReadNoise = false, Levels = 0, IvA3PerVoltSquared = 0, StuckOffFraction = 0, StuckOnFraction = 0 })
            .Describe().ToDictionary(n => n.Name);
        Assert.True(custom["programming_noise"].Enabled);
        Assert.False(custom["read_noise"].Enabled);
        Assert.True(custom["finite_on_off"].Enabled);
        Assert.False(custom["finite_levels"].Enabled);
        Assert.False(custom["iv_nonlinearity"].Enabled);
        Assert.False(custom["stuck_at"].Enabled);
    }

    [Fact]
    public void InvalidConfigurationIsRejected()
    {
        Assert.Equal("rram.on_off_ratio = 1: must be a finite number > 1", Assert.Throws<AimcException>(() => new RramDevice(new RramConfig { OnOffRatio = 1.0 })).Message);
        Assert.Equal("rram.levels = 1: a device needs at least 2 levels, or 0 for an analog continuum", Assert.Throws<AimcException>(() => new RramDevice(new RramConfig { Levels = 1 })).Message);
        Assert.Equal("rram.programming_sigma = -0.1: must be a finite number ≥ 0", Assert.Throws<AimcException>(() => new RramDevice(new RramConfig { ProgrammingSigma = -0.1 })).Message);
        Assert.Equal("rram.max_programmed_state = 0.9: must be a finite number ≥ 1", Assert.Throws<AimcException>(() => new RramDevice(new RramConfig { MaxProgrammedState = 0.9 })).Message);
    }
}
