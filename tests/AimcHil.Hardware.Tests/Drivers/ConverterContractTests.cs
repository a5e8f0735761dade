using System.Device.I2c;
using System.Device.Spi;
using AimcHil.Hardware.Buses;
using AimcHil.Hardware.Converters;

namespace AimcHil.Hardware.Tests.Drivers;

/// <summary>What every ADC promises through <see cref="IAdc"/>, whatever the part.</summary>
public class ConverterContractTests
{
    public static TheoryData<string> Parts => ["MCP3008", "MCP3208", "ADS1115", "ADS8688", "AD7606"];

    private static (IAdc Adc, Func<long> BusCalls) Make(string part)
    {
        var mode1 = new SpiConnectionSettings(0, 0) { Mode = SpiMode.Mode1 };
        switch (part)
        {
            case "MCP3008":
            {
                var spi = ScriptedSpi.Replying();
                return (new Mcp3008(spi), () => spi.Messages);
            }

            case "MCP3208":
            {
                var spi = ScriptedSpi.Replying();
                return (new Mcp3208(spi), () => spi.Messages);
            }

            case "ADS1115":
            {
                var i2c = new ScriptedI2c(new I2cConnectionSettings(1, 0x48), (_, length) => new byte[length]);
                return (new Ads1115(i2c), () => i2c.Transactions);
            }

            case "ADS8688":
            {
                var spi = ScriptedSpi.Replying(mode1);
                var adc = new Ads8688(spi);
                return (adc, () => spi.Messages - 1);
            }

            default:
            {
                var spi = ScriptedSpi.Replying();
                return (new Ad7606(spi, new ScriptedGpio().Controller, 1, 2), () => spi.Messages);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Parts))]
    public void AnEmptyScanTouchesNoBus(string part)
    {
        var (adc, busCalls) = Make(part);
        adc.ReadCodes([], []);
        Assert.Equal(0, busCalls());
    }

    [Theory]
    [MemberData(nameof(Parts))]
    public void OnlyTheRailsAreSaturatedAndTheRangeMatchesTheBits(string part)
    {
        var (adc, _) = Make(part);
        Assert.Equal((1L << adc.Bits) - 1, (long)adc.MaxCode - adc.MinCode);
        Assert.True(adc.IsSaturated(adc.MinCode));
        Assert.True(adc.IsSaturated(adc.MaxCode));
        Assert.False(adc.IsSaturated(adc.MinCode + 1));
        Assert.False(adc.IsSaturated(adc.MaxCode - 1));
        Assert.True(adc.ToVolts(0, adc.MaxCode) > adc.ToVolts(0, adc.MinCode));
    }

    [Theory]
    [MemberData(nameof(Parts))]
    public void ANonexistentChannelIsAnAimcErrorNamingThePart(string part)
    {
        var (adc, busCalls) = Make(part);
        var error = Assert.Throws<AimcHil.Core.AimcException>(() => adc.ReadCodes([0, adc.Channels], new int[2]));
        Assert.StartsWith(adc.Name, error.Message);
        Assert.Equal(0, busCalls());
    }
}
