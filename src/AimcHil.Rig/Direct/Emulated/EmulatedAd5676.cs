using System.Device.Spi;

namespace AimcHil.Rig.Direct.Emulated;

/// <summary>An AD5676 at register level: 24-bit frames (command nibble, DAC address nibble, 16-bit code) decoded into
/// output volts, code / 65536 × VREF × gain (the GAIN pin, so a constructor argument).</summary>
/// <remarks>Commands: 0001 write input register n (held until an update), 0010 update DAC register n from its input
/// register, 0011 write and update n, 0110 software reset (all codes zero); the rest (power-down, LDAC mask, readback,
/// reference setup) are accepted and change nothing. A frame whose SYNC rises before 24 clocks is ignored, as the part
/// ignores it; one longer than 24 clocks keeps its last 24 bits (what the shift register holds).</remarks>
public sealed class EmulatedAd5676 : EmulatedSpiPart, IWordLineDriver
{
    private readonly int[] _input = new int[8];
    private readonly int[] _dac = new int[8];

    public EmulatedAd5676(SpiConnectionSettings settings, double referenceVolts = 2.5, bool doubleGain = false)
        : base("AD5676", settings, SpiMode.Mode1, SpiMode.Mode2)
    {
        ReferenceVolts = referenceVolts;
        DoubleGain = doubleGain;
    }

    public int Channels => 8;

    public double ReferenceVolts { get; }

    public bool DoubleGain { get; }

    /// <summary>Frames the part ignored (fewer than 24 clocks).</summary>
    public long IgnoredFrames { get; private set; }

    /// <summary>The code in DAC register <paramref name="channel"/> (what the output shows).</summary>
    public int Code(int channel) => _dac[channel];

    public double OutputVolts(int channel) => _dac[channel] * ReferenceVolts * (DoubleGain ? 2 : 1) / 65536.0;

    private protected override void Exchange(ReadOnlySpan<byte> mosi, Span<byte> miso)
    {
        if (mosi.Length < 3)
        {
            IgnoredFrames++;
            return;
        }

        var frame = mosi[^3..];
        var command = frame[0] >> 4;
        var channel = frame[0] & 0x0F;
        var code = frame[1] << 8 | frame[2];
        switch (command)
        {
            case 0b0001 when channel < 8:
                _input[channel] = code;
                break;
            case 0b0010 when channel < 8:
                _dac[channel] = _input[channel];
                break;
            case 0b0011 when channel < 8:
                _input[channel] = code;
                _dac[channel] = code;
                break;
            case 0b0110:
                Array.Clear(_input);
                Array.Clear(_dac);
                break;
        }
    }
}
