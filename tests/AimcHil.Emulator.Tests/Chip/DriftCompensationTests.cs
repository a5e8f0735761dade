using AimcHil.Core;
using AimcHil.Emulator.Periphery;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>Global drift compensation (aihwkit's): a reference read of an all-ones input taken when the tile is
/// programmed, and every later output scaled by reference / the same read now.</summary>
public class DriftCompensationTests
{
    private const double Day = 86400;

    // 64 × 16 tile, drift on and nothing else; a 16-bit ADC over ±64 MAC: one LSB is 0.00195 MAC.
    private static EmulatedChip Chip(bool compensation = true) => new(
        TestBench.Preset(ComputationDomain.Current, 64, 16).Ideal() with
        {
            Pcm = TestBench.PcmOnly(drift: true),
            DriftCompensation = compensation,
            Adc = new AdcConfig { Bits = 16, RangeMac = 64 },
        },
        3);

    private static readonly Grid<int> AllOnes = TestBench.ConstantInputs(1, 64, 127);

    private const double Lsb = 64.0 / 32768;

    [Fact]
    public void AReprogrammedTileIsComparedWithItsOwnReference()
    {
        using var chip = Chip();
        chip.Program(0, TestBench.ConstantWeights(64, 16, 0.5f), WriteVerifyOptions.SinglePulse);
        Assert.All(chip.Mvm(0, AllOnes).ToMac().Data, v => Assert.Equal(32.0, v, 2 * Lsb));

        // Exact: 64 rows × 0.2 × 127/127. The reference of the 0.5 weights would scale this back up to 32.
        chip.Program(0, TestBench.ConstantWeights(64, 16, 0.2f), WriteVerifyOptions.SinglePulse);
        Assert.All(chip.Mvm(0, AllOnes).ToMac().Data, v => Assert.Equal(12.8, v, 2 * Lsb));
    }

    [Fact]
    public void TheReferenceIsTakenAtProgrammingNotAtTheFirstMvm()
    {
        using var compensated = Chip();
        using var bare = Chip(compensation: false);
        foreach (var chip in new[] { compensated, bare })
        {
            chip.Program(0, TestBench.ConstantWeights(64, 16, 0.5f), WriteVerifyOptions.SinglePulse);
            chip.Clock.Advance(Day);
        }

        // Without compensation a day of drift leaves (86420/20)^−ν of 32: about 21 for ν ≈ 0.05.
        var drifted = bare.Mvm(0, AllOnes).ToMac().Data.Average();
        Assert.InRange(drifted, 20, 23);

        // Every column carries the same weights and inputs, so the compensated mean is the reference's exactly:
        // (1/16)·Σⱼ yⱼ·(ref / Σⱼ yⱼ) = ref / 16 = 32, up to each column's ADC rounding.
        var outputs = compensated.Mvm(0, AllOnes).ToMac().Data;
        Assert.Equal(32.0, outputs.Average(), Lsb);

        // Per column, what remains is the spread of 64 devices' own ν: about 1 %.
        Assert.All(outputs, v => Assert.InRange(v, 31, 33));
    }

    [Fact]
    public void APartialReprogrammingTakesANewReference()
    {
        using var chip = Chip();
        chip.Program(0, TestBench.ConstantWeights(64, 16, 0.5f), WriteVerifyOptions.SinglePulse);
        chip.Mvm(0, AllOnes);

        // Columns 0 … 7 go to 0.2, the others keep 0.5 (their age restarts with the tile's, as the emulator keeps
        // one programming time per tile).
        var only = new Grid<bool>(64, 16);
        for (var k = 0; k < only.Data.Length; k++)
        {
            only.Data[k] = k % 16 < 8;
        }

        chip.Program(0, TestBench.ConstantWeights(64, 16, 0.2f), WriteVerifyOptions.SinglePulse, only);
        var outputs = chip.Mvm(0, AllOnes).ToMac();
        for (var j = 0; j < 16; j++)
        {
            Assert.Equal(j < 8 ? 12.8 : 32.0, outputs[0, j], 2 * Lsb);
        }
    }

    [Fact]
    public void WithoutDriftCompensationIsExactlyOne()
    {
        using var chip = new EmulatedChip(
            TestBench.Preset(ComputationDomain.Current, 64, 16).Ideal() with { DriftCompensation = true, Adc = new AdcConfig { Bits = 16, RangeMac = 64 } },
            3);
        chip.Program(0, TestBench.ConstantWeights(64, 16, 0.5f), WriteVerifyOptions.SinglePulse);
        chip.Clock.Advance(Day);

        Assert.Equal(Lsb, chip.Mvm(0, AllOnes).MacPerCode[0], 15);
    }
}
