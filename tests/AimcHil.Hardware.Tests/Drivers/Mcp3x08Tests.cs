using System.Device.Spi;
using AimcHil.Core;
using AimcHil.Hardware.Buses;
using AimcHil.Hardware.Converters;

namespace AimcHil.Hardware.Tests.Drivers;

/// <summary>MCP3008/MCP3208 against the datasheet's byte-aligned SPI frames (DS21295 figure 6-1, DS21298 figure 6-1).</summary>
public class Mcp3x08Tests
{
    [Fact]
    public void Mcp3008Channel5IsTheDatasheetFrame()
    {
        var spi = ScriptedSpi.Replying([0x00, 0x02, 0xA5]);
        var adc = new Mcp3008(spi);
        var codes = new int[1];

        adc.ReadCodes([5], codes);

        Assert.Equal(new byte[] { 0x01, 0xD0, 0x00 }, spi.Log.Single().Single().Sent);
        Assert.Equal(0x2A5, codes[0]);
    }

    [Theory]
    [InlineData(0, 0x01, 0x80)]
    [InlineData(1, 0x01, 0x90)]
    [InlineData(7, 0x01, 0xF0)]
    public void Mcp3008CommandBytes(int channel, byte first, byte second)
    {
        var spi = ScriptedSpi.Replying();
        new Mcp3008(spi).ReadCodes([channel], new int[1]);
        Assert.Equal(new byte[] { first, second, 0x00 }, spi.Log[0][0].Sent);
    }

    [Theory]
    [InlineData(0, 0x06, 0x00)]
    [InlineData(3, 0x06, 0xC0)]
    [InlineData(4, 0x07, 0x00)]
    [InlineData(6, 0x07, 0x80)]
    [InlineData(7, 0x07, 0xC0)]
    public void Mcp3208CommandBytes(int channel, byte first, byte second)
    {
        var spi = ScriptedSpi.Replying();
        new Mcp3208(spi).ReadCodes([channel], new int[1]);
        Assert.Equal(new byte[] { first, second, 0x00 }, spi.Log[0][0].Sent);
    }

    [Fact]
    public void Mcp3208DecodesTwelveBitsAndIgnoresTheUndrivenHighBits()
    {
        // Bits 7..5 of rx1 are clocked while DOUT is still high-impedance: whatever they read must not leak in.
        var spi = ScriptedSpi.Replying([0xFF, 0xEA, 0xBC]);
        var codes = new int[1];
        new Mcp3208(spi).ReadCodes([2], codes);
        Assert.Equal(0xABC, codes[0]);
    }

    [Fact]
    public void AScanIsOneMessageWithOneChipSelectCyclePerChannel()
    {
        var spi = new ScriptedSpi(sent => [0x00, 0x01, (byte)(sent[1] >> 4)]);
        var adc = new Mcp3008(spi);
        int[] channels = [7, 0, 3, 3, 5];
        var codes = new int[channels.Length];

        adc.ReadCodes(channels, codes);

        Assert.Equal(1, spi.Messages);
        Assert.Equal(Mcp3x08.MinimumBytesPerScan(channels.Length), spi.BytesClocked);
        Assert.Equal(15, spi.BytesClocked);
        Assert.All(spi.Log[0], segment => Assert.True(segment.DeselectAfter));
        Assert.Equal(new[] { 0x100 | 0xF, 0x100 | 0x8, 0x100 | 0xB, 0x100 | 0xB, 0x100 | 0xD }, codes);
    }

    [Fact]
    public void AFloatingMisoSetsTheNullBitAndIsRefused()
    {
        var spi = ScriptedSpi.Replying([0xFF, 0xFF, 0xFF]);
        var error = Assert.Throws<AimcException>(() => new Mcp3008(spi).ReadCodes([4], new int[1]));
        Assert.Contains("MCP3008 on /dev/spidev0.0", error.Message);
        Assert.Contains("channel 4", error.Message);
        Assert.Contains("null bit", error.Message);
    }

    [Fact]
    public void Mcp3208NullBitIsBitFourOfTheSecondByte()
    {
        var spi = ScriptedSpi.Replying([0x00, 0x10, 0x00]);
        Assert.Throws<AimcException>(() => new Mcp3208(spi).ReadCodes([0], new int[1]));
    }

    [Fact]
    public void CodesAtEitherRailAreFlagged()
    {
        var spi = ScriptedSpi.Replying([0x00, 0x03, 0xFF], [0x00, 0x00, 0x00], [0x00, 0x02, 0x00]);
        IAdc adc = new Mcp3008(spi, referenceVolts: 3.3);
        var codes = new int[3];
        var saturated = new bool[3];

        var count = adc.ReadCodes([0, 1, 2], codes, saturated);

        Assert.Equal(new[] { 1023, 0, 512 }, codes);
        Assert.Equal(new[] { true, true, false }, saturated);
        Assert.Equal(2, count);
        Assert.Equal(1.65, adc.ToVolts(2, 512), 12);
    }

    [Fact]
    public void AChannelThatDoesNotExistNamesThePart()
    {
        var error = Assert.Throws<AimcException>(() => new Mcp3008(ScriptedSpi.Replying()).ReadCodes([8], new int[1]));
        Assert.Contains("MCP3008", error.Message);
        Assert.Contains("channel 8", error.Message);
    }

    [Fact]
    public void AWrongSpiModeIsRefused()
    {
        var spi = ScriptedSpi.Replying(new SpiConnectionSettings(1, 2) { Mode = SpiMode.Mode1 });
        var error = Assert.Throws<AimcException>(() => new Mcp3208(spi));
        Assert.Contains("/dev/spidev1.2", error.Message);
    }

    [Fact]
    public void AClockAboveTheDatasheetLimitIsRefused()
    {
        var spi = ScriptedSpi.Replying(new SpiConnectionSettings(0, 0) { ClockFrequency = 10_000_000 });
        var error = Assert.Throws<AimcException>(() => new Mcp3008(spi));
        Assert.Contains("3600000 Hz", error.Message);
    }

    [Fact]
    public void BackToBackScansOfAnyLengthSendTheirOwnCommands()
    {
        var spi = new ScriptedSpi(sent => [0x00, 0x00, sent[1]]);
        var adc = new Mcp3008(spi);
        var codes = new int[3];

        adc.ReadCodes([1, 2], codes);
        adc.ReadCodes([6, 7], codes);
        adc.ReadCodes([0, 3, 5], codes);

        Assert.Equal(["019000", "01A000"], spi.Log[0].Select(segment => Convert.ToHexString(segment.Sent)));
        Assert.Equal(["01E000", "01F000"], spi.Log[1].Select(segment => Convert.ToHexString(segment.Sent)));
        Assert.Equal(new[] { 0x80, 0xB0, 0xD0 }, codes);
    }
}
