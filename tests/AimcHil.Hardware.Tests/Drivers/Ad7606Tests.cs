using AimcHil.Core;
using AimcHil.Hardware.Buses;
using AimcHil.Hardware.Converters;

namespace AimcHil.Hardware.Tests.Drivers;

/// <summary>AD7606 serial read-out: CONVST pulse, BUSY falling edge, eight two's complement words MSB first.</summary>
public class Ad7606Tests
{
    private const int Convst = 22;
    private const int Busy = 23;

    private static readonly byte[] EightWords =
    [
        0x7F, 0xFF, // V1: +full scale, the positive rail
        0x80, 0x00, // V2: the negative rail
        0x00, 0x00, // V3: 0 V
        0x40, 0x00, // V4: half of +range
        0xFF, 0xFF, // V5: −1 LSB
        0x12, 0x34,
        0xC0, 0x00, // V7: half of −range
        0x00, 0x01,
    ];

    [Fact]
    public void AScanPulsesConvstWaitsForBusyThenReadsSixteenBytesInOneMessage()
    {
        var spi = ScriptedSpi.Replying(EightWords);
        var gpio = new ScriptedGpio();
        var adc = new Ad7606(spi, gpio.Controller, Convst, Busy);
        var codes = new int[8];

        adc.ReadCodes([0, 1, 2, 3, 4, 5, 6, 7], codes);

        Assert.Equal(
            ["open 22 Output High", "open 23 Input Low", "write 22 Low", "write 22 High", "wait 23 Falling"],
            gpio.Log);
        Assert.Equal(1, spi.Messages);
        Assert.Equal(16, spi.BytesClocked);
        Assert.Equal(Ad7606.MinimumBytesPerScan(8), spi.BytesClocked);
        Assert.Equal(new[] { 32767, -32768, 0, 16384, -1, 0x1234, -16384, 1 }, codes);
    }

    [Fact]
    public void ASubsetReadsUpToItsHighestChannelAndPicksItsWords()
    {
        var spi = ScriptedSpi.Replying(EightWords[..8]);
        var adc = new Ad7606(spi, new ScriptedGpio().Controller, Convst, Busy);
        var codes = new int[2];

        adc.ReadCodes([3, 0], codes);

        Assert.Equal(8, spi.BytesClocked);
        Assert.Equal(new[] { 16384, 32767 }, codes);
    }

    [Fact]
    public void BusyThatNeverFallsTimesOut()
    {
        var spi = ScriptedSpi.Replying();
        var gpio = new ScriptedGpio();
        gpio.EdgeArrives = (_, _) => false;
        var adc = new Ad7606(spi, gpio.Controller, Convst, Busy);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = Assert.Throws<AimcException>(() => adc.ReadCodes([0], new int[1]));
        var waited = clock.Elapsed;

        Assert.StartsWith("AD7606 on /dev/spidev0.0: BUSY stayed high 1 ms", error.Message);
        Assert.Contains("line 23", error.Message);
        Assert.True(waited >= TimeSpan.FromMilliseconds(1), $"gave up after {waited}"); // the wait ran out its 1 ms
        Assert.Equal(0, spi.Messages);
    }

    [Fact]
    public void CodesScaleByTheRangeAndRailsAreFlagged()
    {
        IAdc adc = new Ad7606(ScriptedSpi.Replying(EightWords), new ScriptedGpio().Controller, Convst, Busy, Ad7606Range.PlusMinus5V);
        var codes = new int[8];
        var saturated = new bool[8];

        var count = adc.ReadCodes([0, 1, 2, 3, 4, 5, 6, 7], codes, saturated);

        Assert.Equal(new[] { true, true, false, false, false, false, false, false }, saturated);
        Assert.Equal(2, count);
        Assert.Equal(2.5, adc.ToVolts(3, codes[3]), 12);
        Assert.Equal(-5.0, adc.ToVolts(1, codes[1]), 12);
        Assert.Equal(-2.5, adc.ToVolts(6, codes[6]), 12);
        Assert.Equal(10.0 * 16384 / 32768, new Ad7606(ScriptedSpi.Replying(), new ScriptedGpio().Controller, 1, 2).ToVolts(0, 16384), 12);
    }
}
