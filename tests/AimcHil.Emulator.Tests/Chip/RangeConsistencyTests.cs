using AimcHil.Core;
using AimcHil.Emulator.Domains;
using AimcHil.Emulator.Periphery;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>A preset whose converter range lies beyond what its circuit can ever produce is refused when the chip
/// is made, with the numbers and what to change; the largest output each domain can produce is the same rows MAC
/// (every |x·w| = 1), and a range whose top code reads it exactly is accepted.</summary>
public class RangeConsistencyTests
{
    private static ChipPreset ChargeRedistribution(int rows, int adcBits) =>
        TestBench.Preset(ComputationDomain.ChargeRedistribution, rows, 4).Ideal() with
        {
            Adc = new AdcConfig { Bits = adcBits },
            ChargeRedistribution = new ChargeRedistributionConfig { VddVolts = 0.8, ParasiticCapacitanceFarad = 0, KtcNoise = false },
        };

    [Fact]
    public void TheOldChargeRedistributionPresetIsRefusedWithBothVoltagesAndTheBitsThatFit()
    {
        // hil-rigs/sram-charge-redistribution.yaml as it was: 128 rows, an 8-bit unipolar ADC counting shares of
        // V_DD/128 = 6.25 mV. Its top code 255 is 255·6.25 mV = 1.594 V, but 128 ones make V_DD = 0.8 V: codes
        // 129 … 255 never occur. 7 bits (0 … 127) fit 128 rows; 8 bits need 255 rows.
        var error = Assert.Throws<AimcException>(() => new EmulatedChip(ChargeRedistribution(128, 8), 1));

        Assert.Equal(
            "charge_redistribution: adc.bits 8 counts 0 … 255 shares of V_DD/128, a full scale of 1.594 V above V_DD = 0.8 V, " +
            "which a column of 128 rows never exceeds (codes 129 … 255 are unreachable); use adc.bits 7 for 128 rows, or at least 255 rows for 8 bits",
            error.Message);
    }

    [Fact]
    public void TheFixedChargeRedistributionPresetReachesAtMostVdd()
    {
        // hil-rigs/sram-charge-redistribution.yaml now: 128 rows, adc.bits 7, V_DD 0.8 V. Full scale 127·0.8/128 =
        // 0.79375 V ≤ V_DD; the outputs span ±127 counts, i.e. ±127 MAC.
        using var chip = new EmulatedChip(ChargeRedistribution(128, 7), 1);

        Assert.Equal(127 * 0.8 / 128, chip.Info.OutputFullScale, 12);
        Assert.True(chip.Info.OutputFullScale <= 0.8);
        Assert.Equal(127.0, chip.Info.MacFullScale, 12);
    }

    [Fact]
    public void AColumnOfMoreOnesThanTheAdcCountsClipsAndIsReportedSaturated()
    {
        // Weight 1/7 is 0001 (only the LSB bit column), input code 1 only the LSB phase: a column counts one per row
        // driven. 127 ones read code 127 exactly; 128 ones clip there and are flagged.
        using var chip = new EmulatedChip(ChargeRedistribution(128, 7), 1);
        chip.Program(0, TestBench.ConstantWeights(128, 4, 1f / 7f), WriteVerifyOptions.SinglePulse);

        var fits = chip.Mvm(0, TestBench.ConstantInputs(1, 127, 1));
        var clips = chip.Mvm(0, TestBench.ConstantInputs(1, 128, 1));

        Assert.All(fits.Codes.Data, c => Assert.Equal(127, c));
        Assert.Equal(0, fits.SaturatedOutputs);
        Assert.All(clips.Codes.Data, c => Assert.Equal(127, c));
        Assert.Equal(4, clips.SaturatedOutputs);
    }

    [Theory]
    [InlineData(127, 7, true)]   // 0 … 127 shares of V_DD/127: full scale exactly V_DD
    [InlineData(126, 7, false)]  // code 127 would be 127/126·V_DD
    [InlineData(1, 1, true)]     // a 1-row column: 0 or V_DD
    [InlineData(255, 8, true)]
    [InlineData(254, 8, false)]
    public void ChargeRedistributionAcceptsExactlyTheAdcsAColumnCanFill(int rows, int bits, bool accepted)
    {
        var make = () => new EmulatedChip(ChargeRedistribution(rows, bits), 1);

        if (accepted)
        {
            using var chip = make();
            Assert.Equal(((1 << bits) - 1) * 0.8 / rows, chip.Info.OutputFullScale, 12);
        }
        else
        {
            Assert.Throws<AimcException>(make);
        }
    }

    [Fact]
    public void ATdcRangeBeyondTheChainIsRefusedWithTheNumbers()
    {
        // The preset's 24 MAC TDC on a 16-stage chain: its top code 127·24/128 = 23.81 MAC = 23.81·0.5 ns = 11.91 ns,
        // but the chain differs from its replica by at most Δτ·16 = 8 ns (16 MAC).
        var preset = TestBench.Preset(ComputationDomain.TimeDomain, 16, 4).Ideal() with { Adc = new AdcConfig { Bits = 8, RangeMac = 24 } };

        var error = Assert.Throws<AimcException>(() => new EmulatedChip(preset, 1));

        Assert.Equal(
            "time_domain: the TDC's top code is 23.81 MAC = 1.191e-08 s (adc.range_mac 24), beyond the largest delay difference " +
            "Δτ·rows = 8e-09 s (16 MAC) a chain of 16 stages can produce: its top codes are unreachable; lower adc.range_mac to at most 16",
            error.Message);
    }

    [Theory]
    [InlineData(16.0, true)]              // top code 15.875 MAC
    [InlineData(16.0 * 128 / 127, true)]  // top code 127 LSB reads +16 MAC exactly
    [InlineData(16.2, false)]             // top code 16.07 MAC
    public void TimeDomainAcceptsATdcWhoseTopCodeTheChainReaches(double rangeMac, bool accepted)
    {
        var preset = TestBench.Preset(ComputationDomain.TimeDomain, 16, 4).Ideal() with { Adc = new AdcConfig { Bits = 8, RangeMac = rangeMac } };
        var make = () => new EmulatedChip(preset, 1);

        if (accepted)
        {
            using var chip = make();
            Assert.Equal(rangeMac, chip.Info.MacFullScale, 12);
        }
        else
        {
            Assert.Throws<AimcException>(make);
        }
    }

    [Fact]
    public void ACapacitiveDivisionRangeBeyondTheDriveIsRefusedWithTheNumbers()
    {
        // 32 rows driven by ΔV = 0.5 V: with every capacitor driven the plate steps by ΔV itself, 32 MAC (15.6 mV per
        // MAC). A 40 MAC ADC's top code is 127·40/128 = 39.69 MAC = 0.6201 V.
        var preset = TestBench.Preset(ComputationDomain.CapacitiveDivision, 32, 4).Ideal() with
        {
            Adc = new AdcConfig { Bits = 8, RangeMac = 40 },
            CapacitiveDivision = new CapacitiveDivisionConfig { DriveVolts = 0.5 },
        };

        var error = Assert.Throws<AimcException>(() => new EmulatedChip(preset, 1));

        Assert.Equal(
            "capacitive_division: the ADC's top code is 39.69 MAC = 0.6201 V (adc.range_mac 40), above drive_volts 0.5 V (32 MAC), " +
            "the largest step the top plate of 32 rows reaches with every capacitor driven: its top codes are unreachable; lower adc.range_mac to at most 32",
            error.Message);
    }

    [Fact]
    public void ACapacitiveDivisionRangeWithinTheDriveIsAccepted()
    {
        // 32 MAC on 32 rows: top code 31.75 MAC = 0.496 V, below the 0.5 V drive.
        var preset = TestBench.Preset(ComputationDomain.CapacitiveDivision, 32, 4).Ideal() with { Adc = new AdcConfig { Bits = 8, RangeMac = 32 } };

        using var chip = new EmulatedChip(preset, 1);

        Assert.Equal(32 * 0.5 / 32, chip.Info.OutputFullScale, 12);
    }
}
