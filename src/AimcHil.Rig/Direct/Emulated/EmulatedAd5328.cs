using System.Device.Spi;

namespace AimcHil.Rig.Direct.Emulated;

/// <summary>An AD5328 at register level: 16-bit words, DAC writes (bit 15 = 0: channel in 14:12, code in 11:0) and the
/// control words (GAIN/BUF/VDD, LDAC mode, power-down, reset) decoded into output volts.</summary>
/// <remarks>Output = code / 4096 × reference × gain, the reference being VREF (or VDD when that half's VDD bit is set),
/// clipped at VDD as the output amplifier is. LDAC mode 00 (the power-on mode here: the rig ties the LDAC pin low)
/// shows every write at once; 01 holds the DAC registers (the LDAC pin is not wired, so nothing updates them); 10 copies
/// the input registers once and then holds. A powered-down channel drives 0 V. A frame other than 16 clocks is
/// ignored.</remarks>
public sealed class EmulatedAd5328 : EmulatedSpiPart, IWordLineDriver
{
    private readonly int[] _input = new int[8];
    private readonly int[] _dac = new int[8];
    private int _control;
    private int _ldacMode;
    private int _poweredDown;

    public EmulatedAd5328(SpiConnectionSettings settings, double referenceVolts = 2.5, double supplyVolts = 5.0)
        : base("AD5328", settings, SpiMode.Mode1, SpiMode.Mode2)
    {
        ReferenceVolts = referenceVolts;
        SupplyVolts = supplyVolts;
    }

    public int Channels => 8;

    public double ReferenceVolts { get; }

    public double SupplyVolts { get; }

    /// <summary>The last GAIN/BUF/VDD control word's bits 5:0 (bit 5 gain E–H, 4 gain A–D, 3:2 buffer, 1 VDD E–H, 0 VDD A–D).</summary>
    public int ControlBits => _control;

    /// <summary>The LDAC mode bits (00 continuous, 01 held, 10 single update).</summary>
    public int LdacMode => _ldacMode;

    /// <summary>Frames the part ignored (not 16 clocks).</summary>
    public long IgnoredFrames { get; private set; }

    public int Code(int channel) => _dac[channel];

    public double OutputVolts(int channel)
    {
        if ((_poweredDown & 1 << channel) != 0)
        {
            return 0;
        }

        var upper = channel >= 4;
        var gain = (_control & (upper ? 0x20 : 0x10)) != 0 ? 2 : 1;
        var reference = (_control & (upper ? 0x02 : 0x01)) != 0 ? SupplyVolts : ReferenceVolts;
        return Math.Min(_dac[channel] * reference * gain / 4096.0, SupplyVolts);
    }

    private protected override void Exchange(ReadOnlySpan<byte> mosi, Span<byte> miso)
    {
        if (mosi.Length != 2)
        {
            IgnoredFrames++;
            return;
        }

        var word = mosi[0] << 8 | mosi[1];
        if ((word & 0x8000) == 0)
        {
            var channel = word >> 12 & 7;
            _input[channel] = word & 0x0FFF;
            if (_ldacMode == 0b00)
            {
                _dac[channel] = _input[channel];
            }

            return;
        }

        switch (word >> 13 & 3)
        {
            case 0b00:
                _control = word & 0x3F;
                break;
            case 0b01:
                _ldacMode = word & 3;
                if (_ldacMode is 0b00 or 0b10)
                {
                    _input.CopyTo(_dac, 0);
                }

                if (_ldacMode == 0b10)
                {
                    _ldacMode = 0b01;
                }

                break;
            case 0b10:
                _poweredDown = word & 0xFF;
                break;
            default:
                // Bit 12: 0 resets the DAC data, 1 the control registers too.
                Array.Clear(_input);
                Array.Clear(_dac);
                if ((word & 0x1000) != 0)
                {
                    _control = 0;
                    _ldacMode = 0;
                    _poweredDown = 0;
                }

                break;
        }
    }
}
