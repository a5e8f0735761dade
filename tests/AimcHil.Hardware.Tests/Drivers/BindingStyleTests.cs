using System.Device.Gpio;
using System.Device.I2c;
using System.Device.Spi;
using AimcHil.Hardware.Buses;
using AimcHil.Hardware.Converters;
using UnitsNet;

namespace AimcHil.Hardware.Tests.Drivers;

/// <summary>The seven drivers in the dotnet/iot binding style: built on the bus device, disposing it with themselves
/// unless told not to, and reading or setting voltages as UnitsNet quantities.</summary>
public class BindingStyleTests
{
    public static TheoryData<string> Parts => ["AD5328", "AD5676", "AD7606", "ADS1115", "ADS8688", "MCP3008", "MCP3208"];

    [Theory]
    [MemberData(nameof(Parts))]
    public void ADriverDisposesItsBusUnlessTheCallerKeepsIt(string part)
    {
        foreach (var shouldDispose in new[] { true, false })
        {
            var spi = new RecordingSpiDevice(new SpiConnectionSettings(0, 0) { Mode = part is "AD5328" or "AD5676" or "ADS8688" ? SpiMode.Mode1 : part == "AD7606" ? SpiMode.Mode2 : SpiMode.Mode0 });
            var i2c = new RecordingI2cDevice();
            var gpio = new RecordingGpioDriver();
            IDisposable driver = part switch
            {
                "AD5328" => new Ad5328(spi, 2.5, shouldDispose: shouldDispose),
                "AD5676" => new Ad5676(spi, shouldDispose: shouldDispose),
                "AD7606" => new Ad7606(spi, gpio.Controller, 5, 6, shouldDispose: shouldDispose),
                "ADS1115" => new Ads1115(i2c, shouldDispose: shouldDispose),
                "ADS8688" => new Ads8688(spi, shouldDispose: shouldDispose),
                "MCP3008" => new Mcp3008(spi, shouldDispose: shouldDispose),
                _ => new Mcp3208(spi, shouldDispose: shouldDispose),
            };

            driver.Dispose();
            driver.Dispose();

            Assert.Equal(shouldDispose, part == "ADS1115" ? i2c.Disposed : spi.Disposed);
            if (part == "AD7606")
            {
                // The controller went with it: its lines are closed.
                Assert.Equal(!shouldDispose, gpio.IsOpen(5));
            }
        }
    }

    [Fact]
    public void AnAdcReadsAVoltageAsTheBindingsDo()
    {
        var spi = ScriptedSpi.Replying([0x00, 0x02, 0x00]);
        using IAdc adc = new Mcp3008(spi, 3.3);

        var voltage = adc.ReadVoltage(5);

        Assert.Equal(new byte[] { 0x01, 0xD0, 0x00 }, spi.Log.Single().Single().Sent);
        Assert.Equal(ElectricPotential.FromVolts(3.3 * 512 / 1024), voltage);
    }

    [Fact]
    public void ADacSetsAVoltageToTheNearestCode()
    {
        var spi = new RecordingSpiDevice(new SpiConnectionSettings(0, 1) { Mode = SpiMode.Mode1 });
        using IDac dac = new Ad5676(spi, 2.5);

        dac.SetVoltage(3, ElectricPotential.FromMillivolts(1250));

        Assert.Equal(new byte[] { 0x33, 0x80, 0x00 }, spi.Frames.Single());
    }
}
