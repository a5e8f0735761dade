using AimcHil.Core;

namespace AimcHil.Core.Tests;

/// <summary>What ChipInfo derives from what a chip states: the largest signed DAC code.</summary>
public sealed class ChipInfoTests
{
    private static ChipInfo WithDac(int bits) => new()
    {
        Name = "test",
        Domain = ComputationDomain.Current,
        Device = DeviceTechnology.Pcm,
        Rows = 4,
        Cols = 4,
        Tiles = 1,
        WeightEncoding = WeightEncoding.DifferentialPair,
        WeightLevels = 0,
        DacBits = bits,
        AdcBits = 8,
        InputFullScale = 0.2,
        InputUnit = "V",
        OutputFullScale = 8e-5,
        OutputUnit = "A",
        MacFullScale = 16,
        AdcCodeMin = -128,
        AdcCodeMax = 127,
        Transport = "emulator",
        NonIdealities = [],
    };

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(8, 127)]
    [InlineData(16, 32767)]
    public void InputCodesAreSignedSoTheLargestIsHalfTheRangeLessOne(int bits, int expected)
    {
        Assert.Equal(expected, WithDac(bits).InputCodeMax);
    }
}
