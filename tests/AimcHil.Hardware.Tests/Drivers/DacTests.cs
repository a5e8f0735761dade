using System.Device.Spi;
using AimcHil.Core;
using AimcHil.Hardware.Buses;
using AimcHil.Hardware.Converters;

namespace AimcHil.Hardware.Tests.Drivers;

/// <summary>AD5328 (16-bit words) and AD5676 (24-bit frames) against their datasheets' input shift registers.</summary>
public class DacTests
{
    private static readonly SpiConnectionSettings Mode1 = new(0, 1) { Mode = SpiMode.Mode1 };

    private static ScriptedSpi Spi() => ScriptedSpi.Replying(Mode1);

    [Fact]
    public void Ad5328ConfiguresGainBufferAndLdacAtConstruction()
    {
        var spi = Spi();
        _ = new Ad5328(spi, 2.5);

        var message = spi.Log.Single();
        Assert.Equal(new byte[] { 0x80, 0x00 }, message[0].Sent);
        Assert.Equal(new byte[] { 0xA0, 0x00 }, message[1].Sent);
        Assert.All(message, word => Assert.True(word.DeselectAfter));
    }

    [Theory]
    [InlineData(Ad5328Reference.Unbuffered, false, 0x8000)]
    [InlineData(Ad5328Reference.Buffered, false, 0x800C)]
    [InlineData(Ad5328Reference.Supply, false, 0x8003)]
    [InlineData(Ad5328Reference.Buffered, true, 0x803C)]
    public void Ad5328ControlWords(Ad5328Reference reference, bool doubleGain, int expected)
    {
        Assert.Equal(expected, new Ad5328(Spi(), 2.5, reference, doubleGain).ControlWord);
    }

    [Fact]
    public void Ad5328WriteIsOneWord()
    {
        var spi = Spi();
        var dac = new Ad5328(spi, 2.5);

        dac.Write(5, 0xABC);

        Assert.Equal(new byte[] { 0x5A, 0xBC }, spi.Log[^1].Single().Sent);
    }

    [Fact]
    public void Ad5328WriteAllIsOneMessageOfOneFramedWordPerChannel()
    {
        var spi = Spi();
        var dac = new Ad5328(spi, 2.5);
        var (messages, bytes) = (spi.Messages, spi.BytesClocked);

        dac.WriteAll([0x000, 0x123, 0x456, 0x789, 0xABC, 0xDEF, 0x800, 0xFFF]);

        Assert.Equal(1, spi.Messages - messages);
        Assert.Equal(Ad5328.MinimumBytesPerUpdate(8), spi.BytesClocked - bytes);
        var words = spi.Log[^1].Select(segment => Convert.ToHexString(segment.Sent));
        Assert.Equal(["0000", "1123", "2456", "3789", "4ABC", "5DEF", "6800", "7FFF"], words);
        Assert.All(spi.Log[^1], word => Assert.True(word.DeselectAfter));
    }

    [Fact]
    public void Ad5328VoltsAndCodes()
    {
        var dac = new Ad5328(Spi(), 2.048, doubleGain: true);
        Assert.Equal(4.096, dac.FullScaleVolts, 12);
        Assert.Equal(2048, dac.ToCode(2.048));
        Assert.Equal(4095, dac.ToCode(4.096));
        Assert.Equal(0, dac.ToCode(0));
        Assert.Equal(1.0, dac.ToVolts(1000), 12);
        var error = Assert.Throws<AimcException>(() => dac.ToCode(4.5));
        Assert.Contains("AD5328", error.Message);
    }

    [Fact]
    public void Ad5328RefusesACodeOutOfRangeNamingTheChannel()
    {
        var dac = new Ad5328(Spi(), 2.5);
        var error = Assert.Throws<AimcException>(() => dac.Write(3, 4096));
        Assert.Contains("channel 3", error.Message);
        Assert.Throws<AimcException>(() => dac.Write(8, 0));
        Assert.Throws<AimcException>(() => dac.WriteAll([0, -1]));
    }

    [Fact]
    public void Ad5676WriteAndUpdateFrames()
    {
        var spi = Spi();
        var dac = new Ad5676(spi);

        dac.Write(0, 0x8000);
        dac.Write(7, 0xFFFF);

        Assert.Equal(new byte[] { 0x30, 0x80, 0x00 }, spi.Log[0].Single().Sent);
        Assert.Equal(new byte[] { 0x37, 0xFF, 0xFF }, spi.Log[1].Single().Sent);
    }

    [Fact]
    public void Ad5676WriteAllIsOneMessageOfOneFramePerChannel()
    {
        var spi = Spi();
        var dac = new Ad5676(spi);

        dac.WriteAll([0x0001, 0x1234, 0xBEEF]);

        Assert.Equal(1, spi.Messages);
        Assert.Equal(Ad5676.MinimumBytesPerUpdate(3), spi.BytesClocked);
        Assert.Equal(["300001", "311234", "32BEEF"], spi.Log[0].Select(segment => Convert.ToHexString(segment.Sent)));
        Assert.All(spi.Log[0], frame => Assert.True(frame.DeselectAfter));
    }

    [Fact]
    public void Ad5676VoltsAndCodes()
    {
        var dac = new Ad5676(Spi(), referenceVolts: 2.5, doubleGain: true);
        Assert.Equal(32768, dac.ToCode(2.5));
        Assert.Equal(65535, dac.ToCode(5.0));
        Assert.Equal(1.25, dac.ToVolts(16384), 12);
        Assert.Throws<AimcException>(() => dac.ToCode(-0.1));
    }

    [Fact]
    public void DacsRefuseSpiModesThatLatchOnTheWrongEdge()
    {
        Assert.Throws<AimcException>(() => new Ad5676(ScriptedSpi.Replying()));
        Assert.Throws<AimcException>(() => new Ad5328(ScriptedSpi.Replying(), 2.5));
    }
}
