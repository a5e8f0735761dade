using System.Device.Spi;
using AimcHil.Core;
using AimcHil.Hardware.Buses;
using AimcHil.Hardware.Converters;

namespace AimcHil.Hardware.Tests.Drivers;

/// <summary>ADS8688 frames against SBAS582: MAN_Ch_n commands, range-register writes, results one frame late.</summary>
public class Ads8688Tests
{
    private static readonly SpiConnectionSettings Mode1 = new(0, 1) { Mode = SpiMode.Mode1 };

    /// <summary>The part as the datasheet draws it: each frame returns, on clocks 16..31, the conversion of the
    /// channel selected by the previous frame's command (0x1000 · n + 0x0ABC here), 0xDEAD before any.</summary>
    private static ScriptedSpi Part()
    {
        int? selected = null;
        return new ScriptedSpi(Mode1, sent =>
        {
            var result = selected is { } channel ? 0x1000 * channel + 0x0ABC : 0xDEAD;
            var command = sent[0] << 8 | sent[1];
            if ((command & 0xC000) == 0xC000)
            {
                selected = (command >> 10) & 0x7;
            }

            return [0x00, 0x00, (byte)(result >> 8), (byte)result];
        });
    }

    [Theory]
    [InlineData(0, 0xC000)]
    [InlineData(1, 0xC400)]
    [InlineData(2, 0xC800)]
    [InlineData(7, 0xDC00)]
    public void ManualChannelCommands(int channel, int expected) => Assert.Equal(expected, Ads8688.ManualChannel(channel));

    [Fact]
    public void ConstructionProgramsEveryRangeRegisterInOneMessage()
    {
        var spi = Part();
        Ads8688Range[] ranges = [.. Enumerable.Repeat(Ads8688Range.PlusMinus2_5Vref, 8)];
        ranges[1] = Ads8688Range.PlusMinus1_25Vref;
        ranges[2] = Ads8688Range.ZeroTo2_5Vref;
        ranges[7] = Ads8688Range.PlusMinus0_625Vref;

        _ = new Ads8688(spi, ranges);

        var frames = spi.Log.Single();
        Assert.Equal(8, frames.Count);
        Assert.Equal(new byte[] { 0x0B, 0x00, 0x00, 0x00 }, frames[0].Sent);
        Assert.Equal(new byte[] { 0x0D, 0x01, 0x00, 0x00 }, frames[1].Sent);
        Assert.Equal(new byte[] { 0x0F, 0x05, 0x00, 0x00 }, frames[2].Sent);
        Assert.Equal(new byte[] { 0x19, 0x02, 0x00, 0x00 }, frames[7].Sent);
        Assert.All(frames, frame => Assert.True(frame.DeselectAfter));
    }

    [Fact]
    public void EachResultIsTakenFromTheFrameAfterItsCommand()
    {
        var spi = Part();
        var adc = new Ads8688(spi);
        var codes = new int[3];

        adc.ReadCodes([5, 0, 2], codes);

        var frames = spi.Log[^1];
        Assert.Equal(new byte[] { 0xD4, 0x00, 0x00, 0x00 }, frames[0].Sent);
        Assert.Equal(new byte[] { 0xC0, 0x00, 0x00, 0x00 }, frames[1].Sent);
        Assert.Equal(new byte[] { 0xC8, 0x00, 0x00, 0x00 }, frames[2].Sent);
        Assert.Equal(new byte[] { 0x00, 0x00, 0x00, 0x00 }, frames[3].Sent);
        // Frame 0's 0xDEAD (the part's previous conversion) is not anyone's result.
        Assert.Equal(new[] { 0x5ABC, 0x0ABC, 0x2ABC }, codes);
    }

    [Fact]
    public void AnEightChannelScanIsOneMessageOfNineFrames()
    {
        var spi = Part();
        var adc = new Ads8688(spi);
        var (messages, bytes) = (spi.Messages, spi.BytesClocked);
        int[] channels = [0, 1, 2, 3, 4, 5, 6, 7];
        var codes = new int[8];

        adc.ReadCodes(channels, codes);

        Assert.Equal(1, spi.Messages - messages);
        Assert.Equal(36, spi.BytesClocked - bytes);
        Assert.Equal(Ads8688.MinimumBytesPerScan(8), spi.BytesClocked - bytes);
        Assert.Equal(9, spi.Log[^1].Count);
        Assert.All(spi.Log[^1], frame => Assert.True(frame.DeselectAfter));
        Assert.Equal(channels.Select(n => 0x1000 * n + 0x0ABC), codes);
    }

    [Fact]
    public void SetRangeWritesOneRegisterAndChangesTheScale()
    {
        var spi = Part();
        var adc = new Ads8688(spi);

        adc.SetRange(3, Ads8688Range.ZeroTo1_25Vref);

        Assert.Equal(new byte[] { 0x11, 0x06, 0x00, 0x00 }, spi.Log[^1].Single().Sent);
        Assert.Equal(Ads8688Range.ZeroTo1_25Vref, adc.Ranges[3]);
        Assert.Equal(2.56, adc.ToVolts(3, 0x8000), 12);
    }

    [Fact]
    public void BipolarCodesAreOffsetBinary()
    {
        var adc = new Ads8688(Part());
        Assert.Equal(0.0, adc.ToVolts(0, 0x8000), 12);
        Assert.Equal(-10.24, adc.ToVolts(0, 0x0000), 12);
        Assert.Equal(10.24 - 20.48 / 65536, adc.ToVolts(0, 0xFFFF), 12);
        Assert.Equal(312.5e-6, adc.ToVolts(0, 0x8001), 12);
    }

    [Fact]
    public void CodesAtEitherRailAreFlagged()
    {
        var replies = new Queue<int>([0x1234, 0xFFFF, 0x0000, 0x8000]);
        var spi = new ScriptedSpi(Mode1, _ =>
        {
            var code = replies.Count > 0 ? replies.Dequeue() : 0;
            return [0, 0, (byte)(code >> 8), (byte)code];
        });
        var adc = new Ads8688(spi, Enumerable.Repeat(Ads8688Range.ZeroTo2_5Vref, 8).ToArray());
        replies.Clear();
        foreach (var code in new[] { 0x1234, 0xFFFF, 0x0000, 0x8000 })
        {
            replies.Enqueue(code);
        }

        var codes = new int[3];
        var saturated = new bool[3];
        var count = ((IAdc)adc).ReadCodes([0, 1, 2], codes, saturated);

        Assert.Equal(new[] { 0xFFFF, 0x0000, 0x8000 }, codes);
        Assert.Equal(new[] { true, true, false }, saturated);
        Assert.Equal(2, count);
    }

    [Fact]
    public void TheWrongSpiModeOrRangeCountIsRefused()
    {
        Assert.Throws<AimcException>(() => new Ads8688(ScriptedSpi.Replying()));
        var error = Assert.Throws<AimcException>(() => new Ads8688(Part(), [Ads8688Range.ZeroTo1_25Vref]));
        Assert.Contains("ADS8688 on /dev/spidev0.1", error.Message);
    }
}
