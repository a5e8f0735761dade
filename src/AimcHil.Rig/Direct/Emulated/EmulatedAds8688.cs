using System.Device.Spi;
using AimcHil.Hardware.Converters;

namespace AimcHil.Rig.Direct.Emulated;

/// <summary>An ADS8688 at register level: 32-clock frames, a 16-bit command on clocks 0..15; the conversion made at the
/// start of a frame (of the channel the previous frame selected) comes out on clocks 16..31.</summary>
/// <remarks>Commands: NO_OP (keep converting the selected channel), MAN_Ch_n (0xC000 | n &lt;&lt; 10: select n), RST
/// (0x8500: ranges back to ±2.5 VREF, channel 0). Program-register frames (address 15:9, WR bit 8, data 7:0) write the
/// range registers 0x05 + n and echo the register's value on clocks 16..23 (a read, WR = 0, returns it there too);
/// they convert nothing. Code = ⌊(VIN − low) / LSB⌋ clamped, offset binary on bipolar ranges, LSB = span / 65536.</remarks>
public sealed class EmulatedAds8688 : EmulatedSpiPart
{
    private readonly Func<int, double> _inputs;
    private readonly byte[] _registers = new byte[0x80];
    private int _selected;

    public EmulatedAds8688(SpiConnectionSettings settings, Func<int, double> inputs, double referenceVolts = 4.096)
        : base("ADS8688", settings, SpiMode.Mode1)
    {
        _inputs = inputs;
        ReferenceVolts = referenceVolts;
    }

    public double ReferenceVolts { get; }

    public long Conversions { get; private set; }

    /// <summary>Channel <paramref name="channel"/>'s range register (0x05 + n).</summary>
    public Ads8688Range Range(int channel) => (Ads8688Range)(_registers[0x05 + channel] & 0x0F);

    /// <summary>The code a conversion of <paramref name="volts"/> on <paramref name="channel"/> gives with its range.</summary>
    public int ToCode(int channel, double volts)
    {
        var (low, high) = Range(channel) switch
        {
            Ads8688Range.PlusMinus2_5Vref => (-2.5, 2.5),
            Ads8688Range.PlusMinus1_25Vref => (-1.25, 1.25),
            Ads8688Range.PlusMinus0_625Vref => (-0.625, 0.625),
            Ads8688Range.ZeroTo2_5Vref => (0.0, 2.5),
            _ => (0.0, 1.25),
        };
        var lsb = (high - low) * ReferenceVolts / 65536;
        return (int)Math.Clamp(Math.Floor((volts - low * ReferenceVolts) / lsb), 0, 65535);
    }

    private protected override void Exchange(ReadOnlySpan<byte> mosi, Span<byte> miso)
    {
        if (mosi.Length < 2)
        {
            return;
        }

        var command = mosi[0] << 8 | mosi[1];
        if ((command & 0x8000) == 0 && command != 0)
        {
            var address = command >> 9;
            if ((command & 0x100) != 0)
            {
                _registers[address] = (byte)command;
            }

            if (miso.Length > 2)
            {
                miso[2] = _registers[address];
            }

            return;
        }

        var code = ToCode(_selected, _inputs(_selected));
        Conversions++;
        if (miso.Length >= 4)
        {
            miso[2] = (byte)(code >> 8);
            miso[3] = (byte)code;
        }

        if ((command & 0xE000) == 0xC000)
        {
            _selected = command >> 10 & 7;
        }
        else if (command == 0x8500)
        {
            Array.Clear(_registers);
            _selected = 0;
        }
    }
}
