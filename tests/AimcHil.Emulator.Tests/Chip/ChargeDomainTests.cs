using AimcHil.Core;
using AimcHil.Emulator.Domains;
using AimcHil.Emulator.Periphery;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>Charge-domain integration: V = V_read Σ G t / C_int until the integrator hits its rail.</summary>
public class ChargeDomainTests
{
    // 20 pF: 0.1 V per MAC, so a 2 V rail sits at 20 MAC, just above the ADC's ±19 MAC.
    private static ChipPreset Integrator(bool saturation, bool ktc = false, double adcRangeMac = 19) => TestBench.Preset(ComputationDomain.Charge, 64, 8).Ideal() with
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
        var expected = config.ReadVolts * 100e-6 * span * config.PulseFullScaleSeconds / config.IntegrationCapacitanceFarad;
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
        Assert.Equal(20.0, railMac, 9);
        var x = TestBench.ConstantInputs(1, 64, chip.Info.InputCodeMax);

        chip.Program(0, TestBench.ConstantWeights(64, 8, weight), WriteVerifyOptions.SinglePulse);

        // Exact Σ w x would be ±64; the integrator stops at its rail (the analog output), the ADC at its range.
        var analog = chip.MvmAnalog(0, x);
        Assert.All(analog.Mac.Data, v => Assert.Equal(weight * railMac, v, 1e-4));
        Assert.Equal(8, analog.ClippedOutputs);
        var result = chip.Mvm(0, x);
        Assert.All(result.ToMac().Data, v => Assert.Equal(weight * 19.0, v, 19.0 / 8192));
        Assert.Equal(8, result.SaturatedOutputs);
    }

    [Fact]
    public void ARailClipInsideTheAdcRangeIsSaturationToo()
    {
        // Column gains of ±5 % bring a 20 MAC rail to 19 … 21 MAC at the ADC (range 19.5): the columns below the
        // range are clipped by the integrator alone, and the ADC sees a valid code. Every one is still saturated.
        using var chip = new EmulatedChip(
            Integrator(true, adcRangeMac: 19.5) with { ColumnMismatch = new ColumnMismatchConfig { Enabled = true, GainSigma = 0.05, OffsetSigmaFullScale = 0 } },
            4);
        chip.Program(0, TestBench.ConstantWeights(64, 8, 1f), WriteVerifyOptions.SinglePulse);
        var result = chip.Mvm(0, TestBench.ConstantInputs(1, 64, chip.Info.InputCodeMax));

        var belowRange = result.ToMac().Data.Count(v => v < 19.5 - (2 * 19.5 / 8192));
        Assert.InRange(belowRange, 1, 7);
        Assert.Equal(8, result.SaturatedOutputs);
    }

    [Fact]
    public void ARailInsideTheAdcRangeIsRefusedWithTheNumbers()
    {
        // rram-1t1r-charge as it was: 0.8 V over 0.036 V/MAC (0.2 V · 100 µS · 0.9 · 10 ns / 5 pF) is 22.2 MAC, below
        // its ADC's 24 MAC, so MACs of 128 and 28 both read 22.31 and no output was flagged saturated.
        var preset = TestBench.Preset(ComputationDomain.Charge, 128, 16).Ideal() with
        {
            Adc = new AdcConfig { Bits = 8, RangeMac = 24 },
            Rram = new AimcHil.Emulator.Devices.RramConfig { GMaxSiemens = 100e-6, OnOffRatio = 10 }.Ideal() with { FiniteOnOff = true },
            Charge = new ChargeDomainConfig { Saturation = true, RailVolts = 0.8, PulseFullScaleSeconds = 10e-9, IntegrationCapacitanceFarad = 5e-12, KtcNoise = false },
        };

        var error = Assert.Throws<AimcException>(() => new EmulatedChip(preset, 1));
        Assert.Equal(
            "charge.rail_volts 0.8 V is 22.22 MAC, inside the ADC's range of ±24 MAC (adc.range_mac): the converter's top codes are unreachable; raise rail_volts to at least 0.864 V or lower adc.range_mac to at most 22.22",
            error.Message);
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
