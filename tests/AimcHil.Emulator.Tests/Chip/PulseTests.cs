using AimcHil.Core;
using AimcHil.Emulator.Devices;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>Single-device pulses and verify reads against the closed forms of <see cref="PulseResponse"/>:
/// k = clamp((|V| − 0.5 V)/1.5 V, 0, 1)·(1 − e^(−t/100 ns)), s' = s + k(1 − s) up, s' = s − k(s − s_min) down.</summary>
public class PulseTests
{
    private const ulong Seed = 3;

    private static ChipPreset IdealPcm(int rows = 4, int cols = 4) => TestBench.Preset(ComputationDomain.Current, rows, cols).Ideal();

    private static ChipPreset NoisyPcm(int rows = 4, int cols = 4, bool read = false) => IdealPcm(rows, cols) with
    {
        Pcm = TestBench.PcmOnly(programming: true, read: read),
    };

    /// <summary>The fraction of the headroom one pulse covers, written out from the law's definition.</summary>
    private static double K(double volts, double seconds) => Math.Clamp((Math.Abs(volts) - 0.5) / (2.0 - 0.5), 0, 1) * (1 - Math.Exp(-seconds / 1e-7));

    [Fact]
    public void OnePulseLandsExactlyOnTheAimedState()
    {
        using var chip = new EmulatedChip(IdealPcm(), Seed);
        var k = K(1.2, 50e-9);

        Assert.Equal(0f, chip.ReadDevice(0, 0, 1, 2));
        chip.ApplyPulse(0, 0, 1, 2, 1.2, 50e-9);
        var first = chip.ReadDevice(0, 0, 1, 2);
        chip.ApplyPulse(0, 0, 1, 2, 1.2, 50e-9);

        Assert.Equal((float)k, first);
        Assert.Equal((float)(first + (k * (1 - first))), chip.ReadDevice(0, 0, 1, 2));
        Assert.Equal(0f, chip.ReadDevice(0, 1, 1, 2)); // the pair's other device is untouched
        Assert.Equal(0f, chip.ReadDevice(0, 0, 1, 3));
    }

    [Fact]
    public void APulseAtOrBelowThresholdMovesNothingAndDrawsNothing()
    {
        using var pulsed = new EmulatedChip(NoisyPcm(), Seed);
        using var twin = new EmulatedChip(NoisyPcm(), Seed);

        pulsed.ApplyPulse(0, 0, 0, 0, 0.5, 1e-6);
        pulsed.ApplyPulse(0, 0, 0, 0, -0.3, 1e-6);
        pulsed.ApplyPulse(0, 0, 0, 0, 2.0, 0);
        Assert.Equal(0f, pulsed.ReadDevice(0, 0, 0, 0));
        Assert.Equal(3, pulsed.PulsesApplied);
        Assert.Equal(3e-6, pulsed.Clock.Seconds, 12);

        // The programming stream is where it was: the next real pulse draws the twin's noise.
        pulsed.ApplyPulse(0, 0, 0, 0, 1.5, 200e-9);
        twin.ApplyPulse(0, 0, 0, 0, 1.5, 200e-9);
        Assert.Equal(twin.ReadDevice(0, 0, 0, 0), pulsed.ReadDevice(0, 0, 0, 0));
        Assert.NotEqual((float)K(1.5, 200e-9), pulsed.ReadDevice(0, 0, 0, 0));
    }

    [Fact]
    public void EveryPulseTakesItsWidthAtLeastThePresetsPulseTime()
    {
        using var chip = new EmulatedChip(IdealPcm(), Seed);

        chip.ApplyPulse(0, 0, 0, 0, 1.0, 50e-9);
        Assert.Equal(1e-6, chip.Clock.Seconds, 15);
        chip.ApplyPulse(0, 0, 0, 0, 1.0, 3e-6);
        Assert.Equal(4e-6, chip.Clock.Seconds, 15);
        Assert.Equal(2, chip.PulsesApplied);
    }

    [Fact]
    public void IdenticalPulsesApproachTheTopGeometrically()
    {
        using var chip = new EmulatedChip(IdealPcm(), Seed);
        var k = K(0.9, 80e-9);

        for (var n = 1; n <= 30; n++)
        {
            chip.ApplyPulse(0, 0, 2, 2, 0.9, 80e-9);
            Assert.Equal(1 - Math.Pow(1 - k, n), chip.ReadDevice(0, 0, 2, 2), 5e-6);
        }
    }

    [Fact]
    public void NegativePulsesGoDownToTheLowestState()
    {
        // RRAM with a finite on/off ratio of 10: the bottom of the range is 0.1, not 0.
        var preset = IdealPcm() with { Device = DeviceTechnology.Rram, Rram = new RramConfig().Ideal() with { FiniteOnOff = true, OnOffRatio = 10 } };
        using var chip = new EmulatedChip(preset, Seed);
        chip.ApplyPulse(0, 1, 3, 0, 2.0, 10e-6); // k = 1 − e^−100: all the way up
        Assert.Equal(1f, chip.ReadDevice(0, 1, 3, 0));
        var k = K(-1.4, 150e-9);

        for (var n = 1; n <= 10; n++)
        {
            chip.ApplyPulse(0, 1, 3, 0, -1.4, 150e-9);
            Assert.Equal(0.1 + (0.9 * Math.Pow(1 - k, n)), chip.ReadDevice(0, 1, 3, 0), 5e-6);
        }

        for (var n = 0; n < 40; n++)
        {
            chip.ApplyPulse(0, 1, 3, 0, -2.0, 1e-6);
        }

        Assert.Equal(0.1, chip.ReadDevice(0, 1, 3, 0), 1e-6);
    }

    [Fact]
    public void TheSpreadAfterAPulseIsTheDevicesProgrammingNoiseAtTheAimedState()
    {
        const int Side = 48;
        using var chip = new EmulatedChip(NoisyPcm(Side, Side), Seed);
        var aimed = K(1.2, 50e-9);
        var states = new List<double>();
        for (var i = 0; i < Side; i++)
        {
            for (var j = 0; j < Side; j++)
            {
                chip.ApplyPulse(0, 0, i, j, 1.2, 50e-9);
                states.Add(chip.ReadDevice(0, 0, i, j));
            }
        }

        var (mean, std) = TestBench.MeanStd(states);
        var sigma = ((PcmDevice)chip.Device).ProgrammingSigma(aimed);

        // n = 2304: the mean within 4 standard errors, σ within 4 standard errors of a sample σ (σ/√(2n) ≈ 1.5 %).
        Assert.InRange(mean, aimed - (4 * sigma / Side), aimed + (4 * sigma / Side));
        Assert.InRange(std, sigma * 0.94, sigma * 1.06);
    }

    [Fact]
    public void TheSameSeedGivesTheSamePulsesAndReads()
    {
        static float[] Run(ulong seed)
        {
            using var chip = new EmulatedChip(NoisyPcm(read: true), seed);
            var reads = new List<float>();
            for (var n = 0; n < 8; n++)
            {
                chip.ApplyPulse(0, n % 2, n % 4, 1, n % 3 == 2 ? -1.1 : 1.3, 60e-9);
                reads.Add(chip.ReadDevice(0, n % 2, n % 4, 1));
            }

            return [.. reads];
        }

        Assert.Equal(Run(9), Run(9));
        Assert.NotEqual(Run(9), Run(10));
    }

    [Fact]
    public void StuckDevicesStayWherePulsesFindThem()
    {
        var preset = IdealPcm() with { Pcm = TestBench.PcmOnly(programming: true) with { StuckAt = true, StuckOnFraction = 0.5, StuckOffFraction = 0.5 } };
        using var chip = new EmulatedChip(preset, Seed);

        for (var i = 0; i < 4; i++)
        {
            var before = chip.ReadDevice(0, 0, i, 0);
            chip.ApplyPulse(0, 0, i, 0, before == 0 ? 2.0 : -2.0, 1e-6);
            Assert.Equal(before, chip.ReadDevice(0, 0, i, 0));
            Assert.True(before is 0f or 1f, $"{before}");
        }
    }

    [Fact]
    public void TheNextMvmSeesAPulsedDevice()
    {
        using var chip = new EmulatedChip(IdealPcm(), Seed);
        var x = TestBench.ConstantInputs(1, 4, 0);
        x[0, 2] = chip.Info.InputCodeMax;
        Assert.Equal(0, chip.Mvm(0, x).Codes[0, 1]);

        chip.ApplyPulse(0, 0, 2, 1, 2.0, 1e-6); // G+ of weight (2, 1) to the top: w = 1
        chip.ApplyPulse(0, 1, 2, 3, 2.0, 1e-6); // G− of weight (2, 3): w = −1

        var mvm = chip.Mvm(0, x);
        Assert.Equal(1.0, mvm.ToMac(0, 1), 0.05);
        Assert.Equal(-1.0, mvm.ToMac(0, 3), 0.05);
        Assert.Equal(0.0, mvm.ToMac(0, 0), 0.05);
    }

    [Fact]
    public void AddressesOutsideTheTileAreRefusedByName()
    {
        using var chip = new EmulatedChip(IdealPcm(), Seed);

        Assert.Equal("tile 1 does not exist: the chip has tiles 0 … 0", Assert.Throws<AimcException>(() => chip.ApplyPulse(1, 0, 0, 0, 1, 1e-7)).Message);
        Assert.Equal("device array 2 does not exist: the weights use arrays 0 … 1 (G+, G-)", Assert.Throws<AimcException>(() => chip.ApplyPulse(0, 2, 0, 0, 1, 1e-7)).Message);
        Assert.Equal("cell (4, 0) does not exist: the tile has rows 0 … 3 and columns 0 … 3", Assert.Throws<AimcException>(() => chip.ReadDevice(0, 0, 4, 0)).Message);
        Assert.Equal("cell (0, -1) does not exist: the tile has rows 0 … 3 and columns 0 … 3", Assert.Throws<AimcException>(() => chip.ApplyPulse(0, 0, 0, -1, 1, 1e-7)).Message);
        Assert.Equal("pulse amplitude NaN V is not a finite voltage", Assert.Throws<AimcException>(() => chip.ApplyPulse(0, 0, 0, 0, double.NaN, 1e-7)).Message);
        Assert.Equal("pulse width -1E-07 s must be finite and not negative", Assert.Throws<AimcException>(() => chip.ApplyPulse(0, 0, 0, 0, 1, -1e-7)).Message);
        Assert.Equal(0, chip.PulsesApplied);
    }

    [Fact]
    public void APulseResponseWithoutARangeIsRefused()
    {
        var preset = IdealPcm() with { PulseResponse = new PulseResponse { ThresholdVolts = 2, FullVolts = 2 } };

        Assert.Equal("pulse_response.full_volts (2) must exceed threshold_volts (2)", Assert.Throws<AimcException>(() => new EmulatedChip(preset, Seed)).Message);
    }
}
