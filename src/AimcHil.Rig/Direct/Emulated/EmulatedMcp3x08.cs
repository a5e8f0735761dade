using System.Device.Spi;

namespace AimcHil.Rig.Direct.Emulated;

/// <summary>The MCP3008/MCP3208 family at bit level: after chip select falls, the first 1 on DIN is the start bit, then
/// SGL/DIFF and D2..D0; one clock samples, DOUT drives a null 0, then the code MSB first, then (clocks continuing) the
/// code again LSB first, then zeros. DOUT is high impedance before the null bit, read here as 0.</summary>
/// <remarks>Code = ⌊2^bits × VIN / VREF⌋ clamped to the codes (the datasheet's transfer function). Differential
/// inputs (SGL = 0) convert CH(2k) − CH(2k+1), or the reverse when D0 = 1, a negative difference reading 0.</remarks>
public abstract class EmulatedMcp3x08 : EmulatedSpiPart
{
    private readonly Func<int, double> _inputs;

    private protected EmulatedMcp3x08(string part, int bits, SpiConnectionSettings settings, double referenceVolts, Func<int, double> inputs)
        : base(part, settings, SpiMode.Mode0, SpiMode.Mode3)
    {
        Bits = bits;
        ReferenceVolts = referenceVolts;
        _inputs = inputs;
    }

    public int Bits { get; }

    public double ReferenceVolts { get; }

    /// <summary>Conversions made so far.</summary>
    public long Conversions { get; private set; }

    /// <summary>The code a conversion of <paramref name="volts"/> gives.</summary>
    public int ToCode(double volts) => (int)Math.Clamp(Math.Floor(volts / ReferenceVolts * (1 << Bits)), 0, (1 << Bits) - 1);

    private protected override void Exchange(ReadOnlySpan<byte> mosi, Span<byte> miso)
    {
        var clocks = 8 * mosi.Length;
        var start = -1;
        for (var k = 0; k < clocks; k++)
        {
            if (Bit(mosi, k))
            {
                start = k;
                break;
            }
        }

        // Start, four control bits, the sample clock: the null bit follows.
        if (start < 0 || start + 5 >= clocks)
        {
            return;
        }

        var single = Bit(mosi, start + 1);
        var channel = (Bit(mosi, start + 2) ? 4 : 0) | (Bit(mosi, start + 3) ? 2 : 0) | (Bit(mosi, start + 4) ? 1 : 0);
        var volts = single ? _inputs(channel) : _inputs(channel & 6 | (channel & 1)) - _inputs(channel & 6 | (~channel & 1));
        var code = ToCode(volts);
        Conversions++;
        var first = start + 7; // after the null bit, which stays 0
        for (var b = 0; b < Bits; b++)
        {
            // MSB first, then from B1 up LSB first (B0 is not repeated).
            SetBit(miso, first + b, (code >> (Bits - 1 - b) & 1) != 0);
            if (b > 0)
            {
                SetBit(miso, first + Bits - 1 + b, (code >> b & 1) != 0);
            }
        }
    }

    private static bool Bit(ReadOnlySpan<byte> bytes, int k) => (bytes[k >> 3] >> (7 - (k & 7)) & 1) != 0;

    private static void SetBit(Span<byte> bytes, int k, bool one)
    {
        if (one && k < 8 * bytes.Length)
        {
            bytes[k >> 3] |= (byte)(1 << (7 - (k & 7)));
        }
    }
}
