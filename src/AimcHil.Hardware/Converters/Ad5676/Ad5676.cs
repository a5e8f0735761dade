using System.Device.Spi;
using AimcHil.Hardware.Buses;

namespace AimcHil.Hardware.Converters;

/// <summary>Analog Devices AD5676 (the AD5676R has the same frames and an internal 2.5 V reference): eight 16-bit
/// voltage-output DACs on 24-bit SPI frames framed by SYNC, data latched on falling SCLK edges (mode 1 or 2): bits 23:20
/// command, 19:16 DAC address (0..7), 15:0 code MSB first. Command 0011 writes and updates channel n at once, so the
/// LDAC pin may stay high.</summary>
public sealed class Ad5676 : IDac
{
    /// <summary>Command nibble: write to and update DAC channel n.</summary>
    public const int WriteAndUpdate = 0b0011;

    private readonly SpiDevice _spi;
    private readonly OwnedBuses _owned;

    /// <param name="doubleGain">The GAIN pin tied to VLOGIC: outputs span 0 … 2 VREF.</param>
    public Ad5676(SpiDevice spi, double referenceVolts = 2.5, bool doubleGain = false, bool shouldDispose = true)
    {
        _spi = spi;
        _owned = new OwnedBuses(shouldDispose, spi);
        Name = $"AD5676 on {spi.ConnectionSettings.DevicePath}";
        ConverterChecks.Positive(Name, "the reference voltage", referenceVolts);
        ConverterChecks.Mode(Name, spi.ConnectionSettings, SpiMode.Mode1, SpiMode.Mode2);
        ConverterChecks.Clock(Name, spi.ConnectionSettings, 50_000_000);
        ReferenceVolts = referenceVolts;
        DoubleGain = doubleGain;
    }

    public string Name { get; }

    public int Channels => 8;

    public int Bits => 16;

    public int MaxCode => ushort.MaxValue;

    public double ReferenceVolts { get; }

    public bool DoubleGain { get; }

    public double FullScaleVolts => ReferenceVolts * (DoubleGain ? 2 : 1);

    /// <summary>Bytes updating k channels clocks: one 24-bit frame each.</summary>
    public static int MinimumBytesPerUpdate(int channels) => 3 * channels;

    public void Write(int channel, int code)
    {
        ConverterChecks.Channel(Name, channel, Channels);
        ConverterChecks.Code(Name, channel, code, MaxCode);
        var frame = new byte[3];
        Frame(channel, code, frame);
        _spi.TransferMessage([new SpiTransfer(frame, Memory<byte>.Empty, DeselectAfter: true)]);
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

        var frames = new byte[3 * codes.Length];
        var segments = new SpiTransfer[codes.Length];
        for (var channel = 0; channel < codes.Length; channel++)
        {
            ConverterChecks.Code(Name, channel, codes[channel], MaxCode);
            Frame(channel, codes[channel], frames.AsSpan(3 * channel, 3));
            // The part acts on SYNC's rising edge after 24 clocks, so each frame releases it.
            segments[channel] = new SpiTransfer(frames.AsMemory(3 * channel, 3), Memory<byte>.Empty, DeselectAfter: true);
        }

        _spi.TransferMessage(segments);
    }

    public int ToCode(double volts) => ConverterChecks.DacCode(Name, volts, FullScaleVolts, MaxCode);

    public double ToVolts(int code) => code * FullScaleVolts / (MaxCode + 1);

    private static void Frame(int channel, int code, Span<byte> frame)
    {
        frame[0] = (byte)(WriteAndUpdate << 4 | channel);
        frame[1] = (byte)(code >> 8);
        frame[2] = (byte)code;
    }

    /// <summary>Disposes the bus devices given at construction, unless built with shouldDispose: false.</summary>
    public void Dispose() => _owned.Dispose();
}
