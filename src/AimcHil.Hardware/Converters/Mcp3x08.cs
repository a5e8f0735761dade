using System.Device.Spi;
using AimcHil.Core;
using AimcHil.Hardware.Buses;

namespace AimcHil.Hardware.Converters;

/// <summary>The Microchip MCP3008/MCP3208 family: 8-channel successive-approximation ADCs on SPI (mode 0 or 3), one
/// conversion per chip-select cycle, read byte-aligned in three bytes; single-ended inputs, 0 … VREF.</summary>
public abstract class Mcp3x08 : IAdc
{
    private readonly SpiDevice _spi;
    private readonly OwnedBuses _owned;
    private readonly double _referenceVolts;
    private readonly ScanFrames _frames = new(3);

    private protected Mcp3x08(SpiDevice spi, double referenceVolts, string part, int bits, bool shouldDispose)
    {
        _owned = new OwnedBuses(shouldDispose, spi);
        _spi = spi;
        _referenceVolts = referenceVolts;
        Bits = bits;
        Name = $"{part} on {spi.ConnectionSettings.DevicePath}";
        ConverterChecks.Positive(Name, "the reference voltage", referenceVolts);
        // The part shifts in on rising SCLK edges and out on falling ones, which only modes 0,0 and 1,1 match.
        ConverterChecks.Mode(Name, spi.ConnectionSettings, SpiMode.Mode0, SpiMode.Mode3);
        // 3.6 MHz is the limit at VDD = 5 V (1.35 MHz at 2.7 V): the ceiling is checked, the supply is the rig's business.
        ConverterChecks.Clock(Name, spi.ConnectionSettings, 3_600_000);
    }

    public string Name { get; }

    public int Channels => 8;

    public int Bits { get; }

    public int MinCode => 0;

    public int MaxCode => (1 << Bits) - 1;

    public double ReferenceVolts => _referenceVolts;

    /// <summary>Bytes a k-channel scan clocks, the datasheet minimum for byte-wide SPI: a conversion takes
    /// 1 start + 4 control + 1 sample + 1 null + up to 12 data = at most 19 clocks, so three bytes, and each needs its own
    /// chip-select cycle.</summary>
    public static int MinimumBytesPerScan(int channels) => 3 * channels;

    /// <summary>Bus messages a scan takes: one, since chip select is released between segments of a message.</summary>
    public static int MinimumMessagesPerScan(int channels) => channels == 0 ? 0 : 1;

    public void ReadCodes(ReadOnlySpan<int> channels, Span<int> codes)
    {
        ConverterChecks.Scan(Name, channels, codes.Length, Channels);
        if (channels.IsEmpty)
        {
            return;
        }

        _frames.Resize(channels.Length);
        for (var i = 0; i < channels.Length; i++)
        {
            Command(channels[i], _frames.Sent(i));
        }

        // Each conversion starts at a falling chip select, so every frame releases it.
        _spi.TransferMessage(_frames.Segments);
        var dataMask = (1 << (Bits - 8)) - 1;
        var nullBit = 1 << (Bits - 8);
        for (var i = 0; i < channels.Length; i++)
        {
            var rx = _frames.Received(i);
            var high = rx[1];
            // The part drives a 0 one clock before the MSB; a 1 there means nobody is driving MISO (floating high,
            // unpowered part, wrong chip select), and the "code" that follows would be garbage.
            if ((high & nullBit) != 0)
            {
                throw new AimcException($"{Name}: channel {channels[i]} read a 1 in the null bit (rx {rx[0]:X2} {rx[1]:X2} {rx[2]:X2}); MISO is not driven by the part: check its supply, the DOUT wire and the chip-select line");
            }

            codes[i] = ((high & dataMask) << 8) | rx[2];
        }
    }

    public double ToVolts(int channel, int code)
    {
        ConverterChecks.Channel(Name, channel, Channels);
        return code * _referenceVolts / (MaxCode + 1);
    }

    /// <summary>The three command bytes of a single-ended conversion of <paramref name="channel"/>.</summary>
    private protected abstract void Command(int channel, Span<byte> tx);

    /// <summary>Disposes the bus devices given at construction, unless built with shouldDispose: false.</summary>
    public void Dispose()
    {
        _owned.Dispose();
        GC.SuppressFinalize(this);
    }
}
