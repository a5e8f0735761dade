using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Tests.Devices;

public class SramDeviceTests
{
    [Fact]
    public void IsABinaryCellSwitchingAUnitCapacitor()
    {
        var device = new SramDevice();

        Assert.Equal(DeviceTechnology.Sram, device.Technology);
        Assert.Equal(2, device.Levels);
        Assert.Equal(0f, device.MinState);
        Assert.Equal(1e-15, device.FullScale);
        Assert.Equal("F", device.StateUnit);
        Assert.True(device.NonLinearity.IsLinear);
        Assert.Equal(2e-15, new SramDevice(new SramConfig { UnitCapacitanceFarad = 2e-15 }).FullScale);
    }

    [Theory]
    [InlineData(-1f, 0f)]
    [InlineData(0f, 0f)]
    [InlineData(0.49f, 0f)]
    [InlineData(0.5f, 1f)]
    [InlineData(0.51f, 1f)]
    [InlineData(1f, 1f)]
    [InlineData(3f, 1f)]
    public void QuantizeThresholdsAtOneHalf(float target, float expected)
    {
        Assert.Equal(expected, new SramDevice().Quantize(target));
    }

    [Fact]
    public void ProgrammingIsAnExactDigitalWriteWithoutDriftOrReadNoise()
    {
        var device = new SramDevice();
        var rng = new SeededRandom(17);
        var before = new SeededRandom(17).NextUInt64();

        Assert.Equal(0f, device.ProgramOnce(0f, rng));
        Assert.Equal(1f, device.ProgramOnce(1f, rng));
        Assert.Equal(0f, device.DrawDriftExponent(1f, rng));
        Assert.Equal(1f, device.Drifted(1f, 0.1f, 1e9));
        Assert.Equal(0f, device.ReadNoiseSigma(1f, 1f, 1e9));
        Assert.Equal(StuckState.None, device.DrawStuck(rng));
        Assert.Equal(before, rng.NextUInt64());
    }

    [Fact]
    public void MismatchIsGaussianAroundOneWithTheConfiguredSigma()
    {
        var device = new SramDevice();
        var rng = new SeededRandom(2024);
        const int n = 20000;
        var strengths = new double[n];
        for (var i = 0; i < n; i++)
        {
            strengths[i] = device.DrawMismatch(rng);
        }

        var (mean, std) = PcmDeviceTests.MeanAndStd(strengths);
        Assert.InRange(std / 0.01, 0.97, 1.03);
        Assert.InRange(mean - 1.0, -4 * 0.01 / Math.Sqrt(n), 4 * 0.01 / Math.Sqrt(n));
    }

    [Fact]
    public void MismatchIsExactlyOneWithoutConsumingRandomnessWhenSigmaIsZeroOrSwitchedOff()
    {
        foreach (var config in new[] { new SramConfig { MismatchSigma = 0 }, new SramConfig { CellMismatch = false }, new SramConfig().Ideal() })
        {
            var device = new SramDevice(config);
            var rng = new SeededRandom(3);
            var before = new SeededRandom(3).NextUInt64();

            Assert.Equal(1f, device.DrawMismatch(rng));
            Assert.Equal(before, rng.NextUInt64());
        }
    }

    [Fact]
    public void StuckBitsCanBeSwitchedOn()
    {
        var device = new SramDevice(new SramConfig { StuckOnFraction = 0.01, StuckOffFraction = 0.002 });
        var rng = new SeededRandom(31);
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

        PcmDeviceTests.AssertBinomial(on, n, 0.01);
        PcmDeviceTests.AssertBinomial(off, n, 0.002);
    }

    [Fact]
    public void SameSeedGivesSameDraws()
    {
        var device = new SramDevice(new SramConfig { StuckOnFraction = 0.1 });
        var a = new SeededRandom(99);
        var b = new SeededRandom(99);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(device.DrawMismatch(a), device.DrawMismatch(b));
            Assert.Equal(device.DrawStuck(a), device.DrawStuck(b));
        }
    }

    [Fact]
    public void DescribeReflectsTheConfiguration()
    {
        var described = new SramDevice().Describe();
        Assert.Equal(new[] { "cell_mismatch", "stuck_at" }, described.Select(n => n.Name));
        var defaults = described.ToDictionary(n => n.Name);
        Assert.True(defaults["cell_mismatch"].Enabled);
        Assert.Equal(0.01, defaults["cell_mismatch"].Value);
        Assert.False(defaults["stuck_at"].Enabled);

        var custom = new SramDevice(new SramConfig { CellMismatch = false, StuckOffFraction = 0.001 }).Describe().ToDictionary(n => n.Name);
        Assert.False(custom["cell_mismatch"].Enabled);
        Assert.True(custom["stuck_at"].Enabled);
        Assert.Equal(0.001, custom["stuck_at"].Value);

        Assert.All(new SramDevice(new SramConfig { StuckOnFraction = 0.1 }.Ideal()).Describe(), n => Assert.False(n.Enabled));
    }

    [Fact]
    public void InvalidConfigurationIsRejected()
    {
        Assert.Equal("sram.unit_capacitance_farad = 0: must be a finite number > 0", Assert.Throws<AimcException>(() => new SramDevice(new SramConfig { UnitCapacitanceFarad = 0 })).Message);
        Assert.Equal("sram.mismatch_sigma = -0.01: must be a finite number ≥ 0", Assert.Throws<AimcException>(() => new SramDevice(new SramConfig { MismatchSigma = -0.01 })).Message);
    }
}
