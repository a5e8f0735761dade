using AimcHil.Core;

namespace AimcHil.Core.Tests;

/// <summary>snake_case is how rig files and JSON keys name things, a public interface: these spellings must not move.</summary>
public sealed class SnakeCaseTests
{
    [Theory]
    [InlineData("Current", "current")]
    [InlineData("DifferentialPair", "differential_pair")]
    [InlineData("ChargeRedistribution", "charge_redistribution")]
    [InlineData("AdcCode", "adc_code")]
    [InlineData("RRAMDevice", "rram_device")]
    [InlineData("Ir2Drop", "ir2_drop")]
    [InlineData("already_snake", "already_snake")]
    [InlineData("", "")]
    public void SpellsNames(string name, string expected)
    {
        Assert.Equal(expected, SnakeCase.Of(name));
    }

    [Fact]
    public void SpellsEnumValuesByTheirNames()
    {
        Assert.Equal("capacitive_division", SnakeCase.Of(ComputationDomain.CapacitiveDivision));
        Assert.Equal("differential_pair", SnakeCase.Of(WeightEncoding.DifferentialPair));
    }
}
