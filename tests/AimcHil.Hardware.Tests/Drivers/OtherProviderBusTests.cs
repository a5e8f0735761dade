using System.Device.Spi;
using AimcHil.Hardware.Converters;

namespace AimcHil.Hardware.Tests.Drivers;

/// <summary>Our drivers on a System.Device SpiDevice from another provider (a USB-to-SPI bridge, say), which knows
/// nothing of multi-segment messages: every chip-select frame becomes one full-duplex call with the same bytes.</summary>
public class OtherProviderBusTests
{
    [Fact]
    public void AScanBecomesOneFullDuplexCallPerFrame()
    {
        var bus = new PlainSpi(sent => [0x00, 0x01, (byte)(sent[1] >> 4)]);
        using var adc = new Mcp3008(bus);
        var codes = new int[3];

        adc.ReadCodes([2, 5, 7], codes);

        Assert.Equal([0x10A, 0x10D, 0x10F], codes); // the responder echoes 8 | n into the low bits
        Assert.Equal(["01A000", "01D000", "01F000"], bus.Calls.Select(Convert.ToHexString));
    }

    [Fact]
    public void AnAds8688ScanKeepsItsFrames()
    {
        var bus = new PlainSpi(sent => new byte[sent.Length]) { Settings = new SpiConnectionSettings(0, 0) { Mode = SpiMode.Mode1 } };
        using var adc = new Ads8688(bus);
        bus.Calls.Clear();

        adc.ReadCodes([0, 3], new int[2]);

        // MAN_Ch_0, MAN_Ch_3, NO_OP: three 32-clock frames, one call each.
        Assert.Equal(["C0000000", "CC000000", "00000000"], bus.Calls.Select(Convert.ToHexString));
    }

    /// <summary>A bus with only the plain SpiDevice calls, answering each full-duplex call from a script.</summary>
    private sealed class PlainSpi(Func<byte[], byte[]> answer) : SpiDevice
    {
        public SpiConnectionSettings Settings { get; init; } = new(0, 0);

        public List<byte[]> Calls { get; } = [];

        public override SpiConnectionSettings ConnectionSettings => Settings;

        public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
        {
            Calls.Add(writeBuffer.ToArray());
            answer(writeBuffer.ToArray()).CopyTo(readBuffer);
        }

        public override void Write(ReadOnlySpan<byte> buffer) => TransferFullDuplex(buffer, new byte[buffer.Length]);

        public override void Read(Span<byte> buffer) => TransferFullDuplex(new byte[buffer.Length], buffer);
    }
}
