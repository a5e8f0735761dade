using System.Device.I2c;
using System.Device.Gpio;
using System.Device.Spi;
using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Hardware.Converters;
using AimcHil.Rig.Direct;
using AimcHil.Rig.Direct.Emulated;
using UnitsNet;
using DataRate = Iot.Device.Ads1115.DataRate;
using DeviceMode = Iot.Device.Ads1115.DeviceMode;
using InputMultiplexer = Iot.Device.Ads1115.InputMultiplexer;
using IotAd5328 = Iot.Device.DAC.AD5328;
using IotAds1115 = Iot.Device.Ads1115.Ads1115;
using IotMcp3008 = Iot.Device.Adc.Mcp3008;
using MeasuringRange = Iot.Device.Ads1115.MeasuringRange;

namespace AimcHil.Rig.Tests.Direct.Emulated;

/// <summary>Iot.Device.Bindings 4.2.0's Mcp3008, Ads1115 and AD5328 against our register-level emulated parts: the
/// parts are System.Device devices, so a binding reads and writes them as it would the real part.</summary>
public class IotBindingsOnEmulatedPartsTests
{
    private static readonly double[] Volts = [0.0, 0.5, 1.0, 1.65, 2.2, 3.0, 3.29, 3.4];

    [Fact]
    public void IotMcp3008ReadsTheEmulatedPartAsOurDriverDoes()
    {
        var model = new EmulatedMcp3008(new SpiConnectionSettings(0, 0) { Mode = SpiMode.Mode0 }, 3.3, channel => Volts[channel]);
        using var iot = new IotMcp3008(model);
        var ours = new Mcp3008(model, 3.3);
        var ourCodes = new int[8];

        var iotCodes = Enumerable.Range(0, 8).Select(iot.Read).ToArray();
        ours.ReadCodes([0, 1, 2, 3, 4, 5, 6, 7], ourCodes);

        Assert.Equal(Volts.Select(model.ToCode), iotCodes);
        Assert.Equal(iotCodes, ourCodes);
        Assert.Equal(1023, iotCodes[7]); // above VREF: the rail
        Assert.Equal(8 + 1, model.Messages); // the binding: one message per channel; ours: one for the scan
        Assert.Equal(16, model.Conversions);
    }

    [Theory]
    [InlineData(DeviceMode.PowerDown)]
    [InlineData(DeviceMode.Continuous)]
    public void IotAds1115ReadsEachInputOfTheEmulatedPart(DeviceMode mode)
    {
        double[] volts = [1.024, -0.5, 2.0, 0.25];
        var model = new EmulatedAds1115(new I2cConnectionSettings(1, 0x48), channel => volts[channel]);
        using var iot = new IotAds1115(model, InputMultiplexer.AIN0, MeasuringRange.FS2048, DataRate.SPS860, mode);

        InputMultiplexer[] inputs = [InputMultiplexer.AIN0, InputMultiplexer.AIN1, InputMultiplexer.AIN2, InputMultiplexer.AIN3];
        var codes = inputs.Select(input => (int)iot.ReadRaw(input, MeasuringRange.FS2048, DataRate.SPS860)).ToArray();

        Assert.Equal([16384, -8000, 32000, 4000], codes);
        Assert.Equal(volts[2], iot.RawToVoltage((short)codes[2]).Volts, 2.048 / 32768);
    }

    [Fact]
    public void IotAd5328SetsTheEmulatedOutputsWithinItsRounding()
    {
        var model = new EmulatedAd5328(new SpiConnectionSettings(1, 1) { Mode = SpiMode.Mode1 }, referenceVolts: 2.5);
        using var iot = new IotAd5328(model, ElectricPotential.FromVolts(2.5), ElectricPotential.FromVolts(2.5));

        for (ushort channel = 0; channel < 8; channel++)
        {
            iot.SetVoltage(channel, ElectricPotential.FromVolts(0.3 * channel));
        }

        for (var channel = 0; channel < 8; channel++)
        {
            // The binding scales by 4095 steps where the part has 4096: at most one step low, plus rounding.
            Assert.Equal(0.3 * channel, model.OutputVolts(channel), 1.5 * 2.5 / 4096);
        }

        Assert.Equal(8, model.Messages);
        Assert.Equal(0, model.IgnoredFrames);
    }

    [Fact]
    public void IotMcp3008ReadsTheTc1ColumnsOnAnEmulatedBench()
    {
        var config = DirectBusCost.ReadOutCase("mcp3008", 32, 16);
        using var emulator = new EmulatedChip(new ChipPreset { Name = "tc1", Rows = 32, Cols = 16 }, 5);
        using var bench = new EmulatedBench(config, emulator);
        var rng = new Random(2);
        emulator.Program(0, new Grid<float>(32, 16, [.. Enumerable.Range(0, 512).Select(_ => (float)(rng.NextDouble() - 0.5))]), WriteVerifyOptions.Default);
        foreach (var dac in config.Inputs.Dacs)
        {
            var part = new Ad5676(bench.Spi(new SpiBusConfig { Bus = dac.Bus, ChipSelect = dac.ChipSelect, Mode = 1 }));
            part.WriteAll([.. Enumerable.Range(0, 8).Select(k => part.ToCode(0.3 * k))]);
        }

        bench.Gpio.Controller.OpenPin(config.StartLine, PinMode.Output, PinValue.High);
        var spi = bench.Spi(new SpiBusConfig { Bus = 2, ChipSelect = 1, Mode = 0, ClockHz = 1_000_000 });
        using var iot = new IotMcp3008(spi);
        var ours = new Mcp3008(spi, 3.3);
        var ourCodes = new int[8];

        var iotCodes = Enumerable.Range(0, 8).Select(iot.Read).ToArray();
        ours.ReadCodes([0, 1, 2, 3, 4, 5, 6, 7], ourCodes);

        var model = (EmulatedMcp3008)bench.Adcs[1];
        Assert.Equal(Enumerable.Range(8, 8).Select(column => model.ToCode(bench.Tc1.OutputVolts(column))), iotCodes);
        Assert.Equal(iotCodes, ourCodes);
        Assert.True(iotCodes.Distinct().Count() > 4, "the columns carry different MACs");
    }
}
