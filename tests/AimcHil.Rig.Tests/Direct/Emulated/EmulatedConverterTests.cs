using System.Device.Gpio;
using System.Device.I2c;
using System.Device.Spi;
using AimcHil.Core;
using AimcHil.Hardware.Buses;
using AimcHil.Hardware.Converters;
using AimcHil.Rig.Direct.Emulated;

namespace AimcHil.Rig.Tests.Direct.Emulated;

/// <summary>The register-level converter models answer the real drivers of AimcHil.Hardware.Converters byte for byte.</summary>
public class EmulatedConverterTests
{
    private static SpiConnectionSettings On(int bus, int chipSelect, SpiMode mode) => new(bus, chipSelect) { Mode = mode };

    [Fact]
    public void Ad5676OutputsTheVoltsTheDriverWrote()
    {
        var model = new EmulatedAd5676(On(1, 0, SpiMode.Mode1), referenceVolts: 2.5);
        var dac = new Ad5676(model, 2.5);

        dac.Write(3, dac.ToCode(1.0));
        dac.WriteAll(Enumerable.Range(0, 8).Select(c => dac.ToCode(0.3 * c)).ToArray());

        for (var channel = 0; channel < 8; channel++)
        {
            Assert.Equal(0.3 * channel, model.OutputVolts(channel), 2.5 / 65536);
            Assert.Equal(dac.ToVolts(model.Code(channel)), model.OutputVolts(channel), 12);
        }

        Assert.Equal(2, model.Messages);
        Assert.Equal(9, model.Frames);
    }

    [Fact]
    public void Ad5676HonoursGainInputRegistersAndIgnoresShortFrames()
    {
        var model = new EmulatedAd5676(On(1, 0, SpiMode.Mode1), 2.5, doubleGain: true);
        var dac = new Ad5676(model, 2.5, doubleGain: true);
        dac.Write(0, dac.ToCode(4.0));
        Assert.Equal(4.0, model.OutputVolts(0), 5.0 / 65536);

        model.Write([0x11, 0x80, 0x00]); // write input register 1: the output waits for an update
        Assert.Equal(0, model.OutputVolts(1));
        model.Write([0x21, 0x00, 0x00]); // update DAC register 1
        Assert.Equal(2.5, model.OutputVolts(1), 12);

        model.Write([0x32, 0xFF]);
        Assert.Equal(1, model.IgnoredFrames);
        Assert.Equal(0, model.OutputVolts(2));
    }

    [Fact]
    public void Ad5328DecodesTheDriversControlWordsAndWrites()
    {
        var model = new EmulatedAd5328(On(1, 1, SpiMode.Mode2), referenceVolts: 2.0, supplyVolts: 5.0);
        var dac = new Ad5328(model, 2.0, Ad5328Reference.Buffered, doubleGain: true);

        dac.WriteAll([dac.ToCode(1.0), dac.ToCode(3.0), 0, 0, dac.ToCode(3.9990)]);

        Assert.Equal(0x3C, model.ControlBits);
        Assert.Equal(0b00, model.LdacMode);
        Assert.Equal(1.0, model.OutputVolts(0), 4.0 / 4096);
        Assert.Equal(3.0, model.OutputVolts(1), 4.0 / 4096);
        Assert.Equal(3.999, model.OutputVolts(4), 4.0 / 4096);
    }

    [Fact]
    public void Ad5328WithVddAsReferenceAndHeldLdacBehavesAsTheDatasheetSays()
    {
        var model = new EmulatedAd5328(On(1, 1, SpiMode.Mode1), referenceVolts: 2.0, supplyVolts: 5.0);
        var dac = new Ad5328(model, 2.0, Ad5328Reference.Supply);
        dac.Write(2, 2048);
        Assert.Equal(2.5, model.OutputVolts(2), 12); // VDD / 2

        model.Write([0xA0, 0x01]); // LDAC high: DAC registers held
        dac.Write(2, 4095);
        Assert.Equal(2.5, model.OutputVolts(2), 12);
        model.Write([0xA0, 0x02]); // single update, then held again
        Assert.Equal(5.0 * 4095 / 4096, model.OutputVolts(2), 12);
        Assert.Equal(0b01, model.LdacMode);
    }

    [Fact]
    public void Mcp3008AnswersTheGoldenFrameWithANullBitOfZero()
    {
        var model = new EmulatedMcp3008(On(0, 1, SpiMode.Mode0), 3.3, channel => 1.65);
        var rx = new byte[3];

        model.TransferFullDuplex([0x01, 0x80, 0x00], rx);

        // 1.65 V of 3.3 V is code 512: B9 in rx1 bit 1, the null bit (rx1 bit 2) is 0.
        Assert.Equal(new byte[] { 0x00, 0x02, 0x00 }, rx);
    }

    [Fact]
    public void Mcp3008AndMcp3208ReadTheirInputsThroughTheDriver()
    {
        Func<int, double> inputs = channel => 0.05 + (0.4 * channel);
        var mcp3008 = new Mcp3008(new EmulatedMcp3008(On(0, 0, SpiMode.Mode0), 3.3, inputs), 3.3);
        var mcp3208 = new Mcp3208(new EmulatedMcp3208(On(0, 1, SpiMode.Mode3), 3.3, inputs), 3.3);
        int[] channels = [0, 1, 2, 3, 4, 5, 6, 7];
        var codes10 = new int[8];
        var codes12 = new int[8];

        mcp3008.ReadCodes(channels, codes10);
        mcp3208.ReadCodes(channels, codes12);

        Assert.Equal(channels.Select(c => Math.Min(1023, (int)Math.Floor(inputs(c) / 3.3 * 1024))), codes10);
        Assert.Equal(channels.Select(c => Math.Min(4095, (int)Math.Floor(inputs(c) / 3.3 * 4096))), codes12);
    }

    [Fact]
    public void Mcp3008ConvertsADifferentialPair()
    {
        var model = new EmulatedMcp3008(On(0, 0, SpiMode.Mode0), 3.3, channel => channel == 2 ? 2.0 : 1.0);
        var rx = new byte[3];

        model.TransferFullDuplex([0x01, 0x20, 0x00], rx); // SGL 0, D2..D0 = 010: CH2 − CH3

        Assert.Equal((int)Math.Floor(1.0 / 3.3 * 1024), (rx[1] & 3) << 8 | rx[2]);
        model.TransferFullDuplex([0x01, 0x30, 0x00], rx); // 011: CH3 − CH2 < 0 reads 0
        Assert.Equal(0, (rx[1] & 3) << 8 | rx[2]);
    }

    [Fact]
    public void Ads8688TakesTheDriversRangesAndAnswersEachCommandInTheNextFrame()
    {
        double[] volts = [-9.0, 4.0, 2.0, 9.5, 4.5, 0.0, -0.001, 10.5];
        var model = new EmulatedAds8688(On(0, 0, SpiMode.Mode1), channel => volts[channel]);
        Ads8688Range[] ranges =
        [
            Ads8688Range.PlusMinus2_5Vref, Ads8688Range.PlusMinus1_25Vref, Ads8688Range.PlusMinus0_625Vref, Ads8688Range.ZeroTo2_5Vref,
            Ads8688Range.ZeroTo1_25Vref, Ads8688Range.PlusMinus2_5Vref, Ads8688Range.PlusMinus2_5Vref, Ads8688Range.PlusMinus2_5Vref,
        ];
        var adc = new Ads8688(model, ranges);
        int[] channels = [7, 0, 1, 2, 3, 4, 5, 6];
        var codes = new int[8];

        adc.ReadCodes(channels, codes);

        Assert.Equal(ranges, Enumerable.Range(0, 8).Select(model.Range));
        Assert.Equal(65535, codes[0]); // above +10.24 V: the rail
        Assert.Equal(0x8000, codes[6]); // 0 V is mid-scale, offset binary
        for (var i = 1; i < 8; i++)
        {
            var lsb = adc.ToVolts(channels[i], 1) - adc.ToVolts(channels[i], 0);
            Assert.InRange(volts[channels[i]] - adc.ToVolts(channels[i], codes[i]), -1e-12, lsb);
        }
    }

    [Fact]
    public void Ad7606SamplesOnConvstRaisesAndDropsBusyAndReturnsTwosComplementWords()
    {
        double[] volts = [0, 2.5, -2.5, 5.0, -5.1, 0.0001, -0.0001, 1.2345];
        var gpio = new EmulatedGpio();
        var model = new EmulatedAd7606(On(2, 0, SpiMode.Mode2), gpio, 5, 6, 5, channel => volts[channel]);
        var adc = new Ad7606(model, gpio.Controller, 5, 6, Ad7606Range.PlusMinus5V);
        var codes = new int[8];

        adc.ReadCodes([0, 1, 2, 3, 4, 5, 6, 7], codes);

        Assert.Equal(new[] { 0, 16384, -16384, 32767, -32768, 1, -1, 8090 }, codes);
        Assert.Equal(2, model.Conversions); // opening CONVST high is a rising edge too, as on the wire
        Assert.Equal(PinValue.Low, gpio.Controller.Read(6));
        var raw = new byte[4];
        model.Read(raw);
        Assert.Equal(new byte[] { 0x00, 0x00, 0x40, 0x00 }, raw); // each frame starts at V1
    }

    [Fact]
    public void Ad7606BusyEdgesQueueBeforeTheHostWaits()
    {
        var gpio = new EmulatedGpio();
        _ = new EmulatedAd7606(On(2, 0, SpiMode.Mode2), gpio, 5, 6, 10, _ => 1.0);
        gpio.Controller.OpenPin(5, PinMode.Output, PinValue.High);
        gpio.Controller.OpenPin(6, PinMode.Input);

        gpio.Controller.Write(5, PinValue.Low);
        gpio.Controller.Write(5, PinValue.High);

        Assert.False(gpio.Controller.WaitForEvent(6, PinEventTypes.Rising, TimeSpan.Zero).TimedOut);
        Assert.False(gpio.Controller.WaitForEvent(6, PinEventTypes.Falling, TimeSpan.Zero).TimedOut);
        Assert.True(gpio.Controller.WaitForEvent(6, PinEventTypes.Falling, TimeSpan.FromMilliseconds(5)).TimedOut);
    }

    [Fact]
    public void Ads1115ConvertsSingleShotsPollingTheOsBit()
    {
        double[] volts = [1.024, -0.5, 3.0, 0.0];
        var model = new EmulatedAds1115(new I2cConnectionSettings(1, 0x48), channel => volts[channel]);
        var adc = new Ads1115(model, Ads1115FullScale.PlusMinus2_048V, Ads1115DataRate.Sps860);
        var codes = new int[4];

        adc.ReadCodes([0, 1, 2, 3], codes);

        Assert.Equal(new[] { 16384, -8000, 32767, 0 }, codes);
        Assert.Equal(adc.ConfigWord(3) | 0x8000, model.Register(1));
        Assert.Equal(4, model.Conversions);
    }

    [Fact]
    public void Ads1115SignalsConversionReadyOnAlertRdy()
    {
        var gpio = new EmulatedGpio();
        var model = new EmulatedAds1115(new I2cConnectionSettings(1, 0x49), channel => 0.25 * channel, gpio, readyLine: 17);
        var adc = new Ads1115(model, gpio.Controller, 17, Ads1115FullScale.PlusMinus1_024V, Ads1115DataRate.Sps8);
        var codes = new int[2];

        adc.ReadCodes([2, 3], codes);

        Assert.Equal(0x8000, model.Register(3));
        Assert.Equal(0x0000, model.Register(2));
        Assert.Equal(new[] { 16000, 24000 }, codes); // 0.5 V and 0.75 V of ±1.024 V
        Assert.Equal(PinValue.Low, gpio.Controller.Read(17));
    }

    [Fact]
    public void APartClockedInTheWrongModeSaysSo()
    {
        var model = new EmulatedMcp3008(On(0, 0, SpiMode.Mode1), 3.3, _ => 0);

        var error = Assert.Throws<AimcException>(() => model.Write([0x01, 0x80, 0x00]));

        Assert.Equal("emulated MCP3008 on /dev/spidev0.0: clocked in SPI Mode1, the part needs Mode0 or Mode3; check the SPI mode the rig opens it with", error.Message);
    }
}
