using AimcHil.Core;
using AimcHil.Emulator.Domains;
using AimcHil.Emulator.Periphery;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>Charge-domain integration: V = V_read Σ G t / C_int until the integrator hits its rail.</summary>
public class ChargeDomainTests
{
    // 20 pF: 0.1 V per MAC, so a 2 V rail sits at 20 MAC, inside the ADC's ±100 MAC.
    private static ChipPreset Integrator(bool saturation, bool ktc = false, double adcRangeMac = 100) => TestBench.Preset(ComputationDomain.Charge, 64, 8).Ideal() with
    {
        Adc = new AdcConfig { Bits = 14, RangeMac = adcRangeMac },
        Charge = new ChargeDomainConfig { Saturation = saturation, RailVolts = 2.0, IntegrationCapacitanceFarad = 20e-12, KtcNoise = ktc },
    };

    [Fact]
    public void OutputVoltagePerMacFollowsTheIntegratorEquation()
    {
        var preset = Integrator(false);
        var config = preset.Charge!;
        using var chip = new EmulatedChip(preset, 1);

        // V_read · g_max · (1 − g_min/g_max) · T0 / C_int: volts for one unit of Σ w x.
        var span = 1 - chip.Device.MinState;
        var expected = config.ReadVoltage * 100e-6 * span * config.PulseFullScaleSeconds / config.IntegrationCapacitanceFarad;
        Assert.Equal(expected, ((ChargeDomain)chip.Physics).OutputPerUnit, 12);
        Assert.Equal(preset.Adc.RangeMac * expected, chip.Info.OutputFullScale, 12);
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(-1f)]
    public void IntegrationSaturatesAtTheRail(float weight)
    {
        using var chip = new EmulatedChip(Integrator(true), 1);
        var railMac = ((ChargeDomain)chip.Physics).RailMac;
        Assert.True(railMac < 64 && railMac < 100, "the rail must bind before the ADC range for this test");
        var x = TestBench.ConstantInputs(1, 64, chip.Info.InputCodeMax);

        chip.Program(0, TestBench.ConstantWeights(64, 8, weight), WriteVerifyOptions.SinglePulse);
        var mac = chip.Mvm(0, x).ToMac();

        // Exact Σ w x would be ±64; the integrator stops at its rail.
        foreach (var value in mac.Data)
        {
            Assert.Equal(weight * railMac, value, 100.0 / 8192);
        }
    }

    [Fact]
    public void BelowTheRailIntegrationIsLinear()
    {
        using var chip = new EmulatedChip(Integrator(true), 1);
        var railMac = ((ChargeDomain)chip.Physics).RailMac;
        var code = chip.Info.InputCodeMax / 8;
        var x = TestBench.ConstantInputs(1, 64, code);
        chip.Program(0, TestBench.ConstantWeights(64, 8, 0.25f), WriteVerifyOptions.SinglePulse);

        var mac = chip.Mvm(0, x).ToMac();

        var exact = 64 * 0.25 * code / chip.Info.InputCodeMax;
        Assert.True(exact < railMac);
        Assert.Equal(exact, mac[0, 0], 100.0 / 8192);
    }

    [Fact]
    public void KtcNoiseHasTheSigmaOfKtOverC()
    {
        using var chip = new EmulatedChip(Integrator(false, ktc: true, adcRangeMac: 0.01), 1);
        var physics = (ChargeDomain)chip.Physics;
        chip.Program(0, TestBench.ConstantWeights(64, 8, 0f), WriteVerifyOptions.SinglePulse);
        var x = TestBench.ConstantInputs(4000, 64, 0);

        var volts = chip.Mvm(0, x).ToMac().Data.Select(m => m * physics.OutputPerUnit).ToArray();

        var expected = Math.Sqrt(1.380649e-23 * 300 / 20e-12);
        var (_, std) = TestBench.MeanStd(volts.Select(v => (double)v).ToArray());
        Assert.Equal(expected, physics.KtcSigmaVolts, 15);
        Assert.InRange(std / expected, 0.96, 1.04);
    }
}
