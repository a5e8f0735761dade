using System.Device.Spi;
using AimcHil.Hardware.Buses;

namespace AimcHil.Hardware.Converters;

/// <summary>Analog Devices AD5328: eight 12-bit voltage-output DACs on a 16-bit SPI word framed by SYNC (data latched on
/// falling SCLK edges: mode 1 or 2). Bit 15 = 0: DAC write, bits 14:12 channel A..H, bits 11:0 code. Bit 15 = 1:
/// control, bits 14:13 select it: 00 GAIN/BUF/VDD (bits 5:4 gain E–H/A–D, 3:2 buffer, 1:0 VDD as reference),
/// 01 LDAC mode (bits 1:0; 00 = outputs follow every write), 10 power-down, 11 reset.</summary>
public sealed class Ad5328 : IDac
{
    /// <summary>Control word prefix of GAIN/BUF/VDD.</summary>
    public const ushort GainBufferSupplyControl = 0x8000;

    /// <summary>Control word of LDAC mode 00: the DAC registers load continuously, so each write shows at once.</summary>
    public const ushort LdacContinuous = 0xA000;

    private readonly SpiDevice _spi;
    private readonly OwnedBuses _owned;

    /// <summary>Sends the GAIN/BUF/VDD word for both halves and the LDAC mode in one message, so a part left in another
    /// state by an earlier program behaves as configured.</summary>
    public Ad5328(SpiDevice spi, double referenceVolts, Ad5328Reference reference = Ad5328Reference.Unbuffered, bool doubleGain = false, bool shouldDispose = true)
    {
        _spi = spi;
        _owned = new OwnedBuses(shouldDispose, spi);
        Name = $"AD5328 on {spi.ConnectionSettings.DevicePath}";
        ConverterChecks.Positive(Name, "the reference voltage", referenceVolts);
        ConverterChecks.Mode(Name, spi.ConnectionSettings, SpiMode.Mode1, SpiMode.Mode2);
        ConverterChecks.Clock(Name, spi.ConnectionSettings, 30_000_000);
        ReferenceVolts = referenceVolts;
        Reference = reference;
        DoubleGain = doubleGain;
        var control = GainBufferSupplyControl
            | (doubleGain ? 0b11 << 4 : 0)
            | (reference == Ad5328Reference.Buffered ? 0b11 << 2 : 0)
            | (reference == Ad5328Reference.Supply ? 0b11 : 0);
        ControlWord = (ushort)control;
        var words = new byte[4];
        Word(ControlWord, words.AsSpan(0, 2));
        Word(LdacContinuous, words.AsSpan(2, 2));
        _spi.TransferMessage([new SpiTransfer(words.AsMemory(0, 2), Memory<byte>.Empty, DeselectAfter: true), new SpiTransfer(words.AsMemory(2, 2), Memory<byte>.Empty, DeselectAfter: true)]);
    }

    public string Name { get; }

    public int Channels => 8;

    public int Bits => 12;

    public int MaxCode => 4095;

    public double ReferenceVolts { get; }

    public Ad5328Reference Reference { get; }

    public bool DoubleGain { get; }

    /// <summary>The GAIN/BUF/VDD word sent at construction.</summary>
    public ushort ControlWord { get; }

    /// <summary>VREF, or 2 VREF with the gain bit; the output cannot pass VDD whatever this says.</summary>
    public double FullScaleVolts => ReferenceVolts * (DoubleGain ? 2 : 1);

    /// <summary>Bytes updating k channels clocks: one 16-bit word each, every one framed by SYNC.</summary>
    public static int MinimumBytesPerUpdate(int channels) => 2 * channels;

    /// <summary>The DAC write word for <paramref name="code"/> on <paramref name="channel"/>.</summary>
    public static ushort DataWord(int channel, int code) => (ushort)(channel << 12 | code);

    public void Write(int channel, int code)
    {
        ConverterChecks.Channel(Name, channel, Channels);
        ConverterChecks.Code(Name, channel, code, MaxCode);
        var word = new byte[2];
        Word(DataWord(channel, code), word);
        _spi.TransferMessage([new SpiTransfer(word, Memory<byte>.Empty, DeselectAfter: true)]);
    }

    public void WriteAll(ReadOnlySpan<int> codes)
    {
        if (codes.Length > Channels)
        {
            throw new ArgumentException($"{Name}: {codes.Length} codes for {Channels} channels", nameof(codes));
        }

        if (codes.IsEmpty)
        {
            return;
        }

        var words = new byte[2 * codes.Length];
        var segments = new SpiTransfer[codes.Length];
        for (var channel = 0; channel < codes.Length; channel++)
        {
            ConverterChecks.Code(Name, channel, codes[channel], MaxCode);
            Word(DataWord(channel, codes[channel]), words.AsSpan(2 * channel, 2));
            // A word is latched on SYNC's rising edge, so each one releases it.
            segments[channel] = new SpiTransfer(words.AsMemory(2 * channel, 2), Memory<byte>.Empty, DeselectAfter: true);
        }

        _spi.TransferMessage(segments);
    }

    public int ToCode(double volts) => ConverterChecks.DacCode(Name, volts, FullScaleVolts, MaxCode);

    public double ToVolts(int code) => code * FullScaleVolts / (MaxCode + 1);

    private static void Word(ushort word, Span<byte> bytes)
    {
        bytes[0] = (byte)(word >> 8);
        bytes[1] = (byte)word;
    }

    /// <summary>Disposes the bus devices given at construction, unless built with shouldDispose: false.</summary>
    public void Dispose() => _owned.Dispose();
}
