using System.Device.Gpio;
using System.Device.Spi;

namespace AimcHil.Rig.Direct.Emulated;

/// <summary>An AD7606 in serial mode: a rising CONVST edge (from the GPIO model) samples all eight inputs, BUSY rises and
/// falls when the conversion is done, and each chip-select frame then shifts out V1, V2, … as 16-bit two's complement
/// words, MSB first (zeros after V8).</summary>
/// <remarks>Code = round(VIN / range × 32768) clamped to −32768 … 32767: the part's transitions sit half an LSB either
/// side of each code's centre. The conversion takes no time: BUSY rises and falls within the host's CONVST write, which
/// is what a 4 µs conversion looks like to a host whose GPIO write takes longer.</remarks>
public sealed class EmulatedAd7606 : EmulatedSpiPart
{
    private readonly Func<int, double> _inputs;
    private readonly EmulatedGpio _gpio;
    private readonly int _busyLine;
    private readonly short[] _codes = new short[8];

    public EmulatedAd7606(SpiConnectionSettings settings, EmulatedGpio gpio, int convstLine, int busyLine, double rangeVolts, Func<int, double> inputs)
        : base("AD7606", settings, SpiMode.Mode2, SpiMode.Mode3, SpiMode.Mode0)
    {
        if (rangeVolts is not (5 or 10))
        {
            throw new ArgumentOutOfRangeException(nameof(rangeVolts), rangeVolts, "the AD7606 has the ±5 V and ±10 V ranges");
        }

        _gpio = gpio;
        _busyLine = busyLine;
        _inputs = inputs;
        RangeVolts = rangeVolts;
        gpio.Listen(convstLine, edge =>
        {
            if (edge == PinEventTypes.Rising)
            {
                Convert();
            }
        });
    }

    public double RangeVolts { get; }

    public long Conversions { get; private set; }

    /// <summary>The code a conversion of <paramref name="volts"/> gives.</summary>
    public int ToCode(double volts) => (int)Math.Clamp(Math.Round(volts / RangeVolts * 32768), short.MinValue, short.MaxValue);

    /// <summary>The codes of the last conversion, V1..V8.</summary>
    public IReadOnlyList<short> Codes => _codes;

    private void Convert()
    {
        _gpio.Drive(_busyLine, PinValue.High);
        lock (_codes)
        {
            for (var channel = 0; channel < 8; channel++)
            {
                _codes[channel] = (short)ToCode(_inputs(channel));
            }

            Conversions++;
        }

        _gpio.Drive(_busyLine, PinValue.Low);
    }

    private protected override void Exchange(ReadOnlySpan<byte> mosi, Span<byte> miso)
    {
        lock (_codes)
        {
            for (var k = 0; k < miso.Length && k < 16; k++)
            {
                var code = (ushort)_codes[k >> 1];
                miso[k] = (byte)((k & 1) == 0 ? code >> 8 : code);
            }
        }
    }
}
