using AimcHil.Core;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>Input codes outside the DAC's range are one user error naming the range, at both ends of int32 and in
/// both the vectorized body and the scalar tail of the check (a batch of 9 codes fills one 8-lane vector and a tail).</summary>
public sealed class InputCodeRangeTests
{
    [Theory]
    [InlineData(0, int.MinValue)]
    [InlineData(8, int.MinValue)]
    [InlineData(3, int.MaxValue)]
    [InlineData(8, -128)]
    [InlineData(0, 128)]
    public void ACodeOutsideTheDacIsRefusedNamingTheRange(int position, int code)
    {
        using var chip = new EmulatedChip(TestBench.Preset(ComputationDomain.Current, 9, 4).Ideal(), seed: 1);
        chip.Program(0, TestBench.ConstantWeights(9, 4, 0.5f), WriteVerifyOptions.SinglePulse);
        var codes = new int[9];
        codes[position] = code;

        var e = Assert.Throws<AimcException>(() => chip.Mvm(0, new Grid<int>(1, 9, codes)));

        Assert.Equal($"input code {code} is outside the 8-bit DAC range [-127, 127]", e.Message);
    }
}
