using System.Device.I2c;
using System.Device.Spi;
using AimcHil.Core;
using AimcHil.Hardware.Buses;
using AimcHil.Hardware.Converters;
using UnitsNet;
using IotAd5328 = Iot.Device.DAC.AD5328;
using DataRate = Iot.Device.Ads1115.DataRate;
using DeviceMode = Iot.Device.Ads1115.DeviceMode;
using InputMultiplexer = Iot.Device.Ads1115.InputMultiplexer;
using IotAds1115 = Iot.Device.Ads1115.Ads1115;
using IotMcp3008 = Iot.Device.Adc.Mcp3008;
using MeasuringRange = Iot.Device.Ads1115.MeasuringRange;

namespace AimcHil.Hardware.Tests.IotBindings;

/// <summary>Iot.Device.Bindings 4.2.0's Mcp3008, Ads1115 and AD5328 on our recording buses: they are System.Device
/// devices, so the bindings run unchanged, send the datasheet's bytes (the same our drivers send) and are counted the
/// same way, which is what makes the cost of each choice comparable.</summary>
public class IotBindingsOnRecordingBusesTests
{
    [Fact]
    public void IotMcp3008SendsOurFramesButOneMessagePerChannel()
    {
        var codes = new[] { 0, 1, 0x155, 0x2AA, 0x3FF, 512, 7, 1000 };
        var iotBus = Mcp3008Answering(codes);
        using var iot = new IotMcp3008(iotBus);
        var ourBus = Mcp3008Answering(codes);
        var ours = new Mcp3008(ourBus);
        var channels = Enumerable.Range(0, 8).ToArray();
        var ourCodes = new int[8];

        var iotCodes = channels.Select(iot.Read).ToArray();
        ours.ReadCodes(channels, ourCodes);

        Assert.Equal(codes, iotCodes);
        Assert.Equal(codes, ourCodes);
        Assert.Equal(ourBus.Frames, iotBus.Frames); // [01, 80 | n << 4, 00] per channel, one chip select each
        Assert.Equal(new byte[] { 0x01, 0xD0, 0x00 }, iotBus.Frames[5]);
        Assert.Equal(8, iotBus.Messages);
        Assert.Equal(1, ourBus.Messages);
        Assert.Equal(ourBus.BytesClocked, iotBus.BytesClocked);
    }

    [Fact]
    public void IotAds1115WritesTheConfigWordOurDriverWrites()
    {
        var iotBus = Ads1115Answering(0x1234);
        using var iot = new IotAds1115(iotBus, InputMultiplexer.AIN0, MeasuringRange.FS4096, DataRate.SPS128, DeviceMode.PowerDown);
        var before = iotBus.Recorded.Count;

        var raw = iot.ReadRaw(InputMultiplexer.AIN2, MeasuringRange.FS2048, DataRate.SPS128);

        Assert.Equal(0x1234, raw);
        var read = iotBus.Recorded.Skip(before).ToList();
        // Start a single shot on AIN2 (±2.048 V, 128 SPS, comparator off): the word our driver writes (Ads1115Tests).
        Assert.Equal(new byte[] { 0x01, 0xE5, 0x83 }, read[0].Written);
        var ourBus = Ads1115Answering(0x1234);
        var ours = new Ads1115(ourBus, Ads1115FullScale.PlusMinus2_048V, Ads1115DataRate.Sps128);
        var codes = new int[1];
        ours.ReadCodes([2], codes);
        Assert.Equal(0x1234, codes[0]);
        Assert.Equal(read[0].Written, ourBus.Recorded[0].Written);
        // The binding selects the conversion register and reads it in two transactions where ours takes one.
        Assert.Equal([new byte[] { 0x00 }, []], read.TakeLast(2).Select(t => t.Written));
        Assert.Equal(ourBus.Recorded.Count + 1, read.Count);
    }

    [Fact]
    public void IotAd5328WritesOurDataWordWithoutTheControlWords()
    {
        var iotBus = new RecordingSpiDevice(new SpiConnectionSettings(0, 1) { Mode = SpiMode.Mode1 });
        using var iot = new IotAd5328(iotBus, ElectricPotential.FromVolts(2.5), ElectricPotential.FromVolts(2.5));
        var ourBus = new RecordingSpiDevice(new SpiConnectionSettings(0, 1) { Mode = SpiMode.Mode1 });
        var ours = new Ad5328(ourBus, 2.5);

        iot.SetVoltage(3, ElectricPotential.FromVolts(1.25));
        ours.Write(3, ours.ToCode(1.25));

        Assert.Equal([[0x38, 0x00]], iotBus.Frames);
        // Ours first sets GAIN/BUF/VDD and LDAC mode 00, so a part left in another mode by an earlier program follows.
        Assert.Equal([[0x80, 0x00], [0xA0, 0x00], [0x38, 0x00]], ourBus.Frames);
    }

    [Fact]
    public void AnUnpluggedPartFailsTheBindingWithOurMessage()
    {
        var bus = new RecordingI2cDevice(new I2cConnectionSettings(1, 0x49)) { Answers = false };

        var error = Assert.Throws<AimcException>(() => new IotAds1115(bus, InputMultiplexer.AIN0, MeasuringRange.FS4096, DataRate.SPS128, DeviceMode.PowerDown));

        Assert.Equal("no device answered at address 0x49 on /dev/i2c-1: check wiring and address (i2cdetect -y 1)", error.Message);
    }

    /// <summary>An MCP3008 answering the single-ended conversion of channel n with codes[n].</summary>
    private static RecordingSpiDevice Mcp3008Answering(int[] codes) => new()
    {
        Responder = sent =>
        {
            var code = codes[(sent[1] >> 4) & 7];
            return [0x00, (byte)(code >> 8), (byte)code];
        },
    };

    /// <summary>An ADS1115 whose config register reads back the last word written with OS = 1 (the conversion is done)
    /// and whose conversion register holds <paramref name="code"/>.</summary>
    private static RecordingI2cDevice Ads1115Answering(short code)
    {
        var device = new RecordingI2cDevice(new I2cConnectionSettings(1, 0x48));
        device.Responder = (written, length) =>
        {
            // A plain read reads the register the last write pointed at.
            var pointer = written.Length > 0 ? written[0] : device.Recorded.Last(t => t.Written.Length > 0).Written[0];
            var config = device.Recorded.LastOrDefault(t => t.Written is [0x01, _, _])?.Written ?? [0x01, 0x85, 0x83];
            return pointer == 0x01 ? [(byte)(config[1] | 0x80), config[2]] : [(byte)(code >> 8), (byte)code];
        };
        return device;
    }
}
