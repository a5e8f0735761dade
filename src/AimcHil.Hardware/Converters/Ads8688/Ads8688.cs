using System.Device.Spi;
using AimcHil.Core;
using AimcHil.Hardware.Buses;

namespace AimcHil.Hardware.Converters;

/// <summary>TI ADS8688 (SBAS582): an 8-channel multiplexed 16-bit SAR ADC with a per-channel programmable input range,
/// on SPI mode 1. Every frame is a 16-bit command followed by 16 clocks; a MAN_Ch_n command selects the channel
/// sampled at the end of that frame, and its result comes out in the NEXT frame, on clocks 16..31 — so a k-channel
/// scan is k + 1 frames, the last a NO_OP, all in one SPI message.</summary>
public sealed class Ads8688 : IAdc
{
    /// <summary>Bytes of one frame: 32 clocks.</summary>
    public const int FrameBytes = 4;

    private const ushort NoOp = 0x0000;

    private readonly SpiDevice _spi;
    private readonly OwnedBuses _owned;
    private readonly Ads8688Range[] _ranges;
    private readonly ScanFrames _frames = new(FrameBytes);

    /// <summary>Programs every channel's range (default ±2.5 × VREF) in one message.</summary>
    public Ads8688(SpiDevice spi, IReadOnlyList<Ads8688Range>? ranges = null, double referenceVolts = 4.096, bool shouldDispose = true)
    {
        _owned = new OwnedBuses(shouldDispose, spi);
        _spi = spi;
        Name = $"ADS8688 on {spi.ConnectionSettings.DevicePath}";
        ReferenceVolts = referenceVolts;
        ConverterChecks.Positive(Name, "the reference voltage", referenceVolts);
        // SDI is latched on falling SCLK edges and SDO launched on rising ones: CPOL 0, CPHA 1.
        ConverterChecks.Mode(Name, spi.ConnectionSettings, SpiMode.Mode1);
        ConverterChecks.Clock(Name, spi.ConnectionSettings, 17_000_000);
        if (ranges is not null && ranges.Count != Channels)
        {
            throw new AimcException($"{Name}: {ranges.Count} input ranges given for {Channels} channels; check the rig file");
        }

        _ranges = ranges?.ToArray() ?? Enumerable.Repeat(Ads8688Range.PlusMinus2_5Vref, Channels).ToArray();
        var frames = new byte[Channels * FrameBytes];
        var segments = new SpiTransfer[Channels];
        for (var channel = 0; channel < Channels; channel++)
        {
            CheckRange(channel, _ranges[channel]);
            var frame = frames.AsMemory(channel * FrameBytes, FrameBytes);
            Frame(RangeWrite(channel, _ranges[channel]), frame.Span);
            segments[channel] = new SpiTransfer(frame, Memory<byte>.Empty, DeselectAfter: true);
        }

        _spi.TransferMessage(segments);
    }

    public string Name { get; }

    public int Channels => 8;

    public int Bits => 16;

    public int MinCode => 0;

    public int MaxCode => ushort.MaxValue;

    public double ReferenceVolts { get; }

    public IReadOnlyList<Ads8688Range> Ranges => _ranges;

    /// <summary>Bytes a k-channel scan clocks: k + 1 frames of 32 clocks, since each result trails its command by a frame.</summary>
    public static int MinimumBytesPerScan(int channels) => channels == 0 ? 0 : FrameBytes * (channels + 1);

    /// <summary>Bus messages a scan takes: one, chip select released between frames.</summary>
    public static int MinimumMessagesPerScan(int channels) => channels == 0 ? 0 : 1;

    /// <summary>The MAN_Ch_n command word: 0xC000 | n &lt;&lt; 10.</summary>
    public static ushort ManualChannel(int channel) => (ushort)(0xC000 | channel << 10);

    /// <summary>A program-register write: address in bits 15:9, WR bit 8, data in bits 7:0; range registers start at 0x05.</summary>
    public static ushort RangeWrite(int channel, Ads8688Range range) => (ushort)((0x05 + channel) << 9 | 0x100 | (int)range);

    /// <summary>Reprograms one channel's input range.</summary>
    public void SetRange(int channel, Ads8688Range range)
    {
        ConverterChecks.Channel(Name, channel, Channels);
        CheckRange(channel, range);
        var frame = new byte[FrameBytes];
        Frame(RangeWrite(channel, range), frame);
        _spi.TransferMessage([new SpiTransfer(frame, Memory<byte>.Empty, DeselectAfter: true)]);
        _ranges[channel] = range;
    }

    public void ReadCodes(ReadOnlySpan<int> channels, Span<int> codes)
    {
        ConverterChecks.Scan(Name, channels, codes.Length, Channels);
        if (channels.IsEmpty)
        {
            return;
        }

        var frames = channels.Length + 1;
        _frames.Resize(frames);
        for (var i = 0; i < frames; i++)
        {
            Frame(i < channels.Length ? ManualChannel(channels[i]) : NoOp, _frames.Sent(i));
        }

        _spi.TransferMessage(_frames.Segments);
        // Frame 0's data is whatever the part converted before this scan; channel i's result is in frame i + 1, on
        // clocks 16..31.
        for (var i = 0; i < channels.Length; i++)
        {
            var data = _frames.Received(i + 1);
            codes[i] = data[2] << 8 | data[3];
        }
    }

    /// <summary>Bipolar ranges are offset binary (0x8000 = 0 V); unipolar ones straight binary from 0 V; one LSB is the
    /// span / 65536.</summary>
    public double ToVolts(int channel, int code)
    {
        ConverterChecks.Channel(Name, channel, Channels);
        var (low, high) = Span(_ranges[channel]);
        var lsb = (high - low) * ReferenceVolts / 65536;
        return low * ReferenceVolts + code * lsb;
    }

    /// <summary>A range's ends as multiples of VREF.</summary>
    private static (double Low, double High) Span(Ads8688Range range) => range switch
    {
        Ads8688Range.PlusMinus2_5Vref => (-2.5, 2.5),
        Ads8688Range.PlusMinus1_25Vref => (-1.25, 1.25),
        Ads8688Range.PlusMinus0_625Vref => (-0.625, 0.625),
        Ads8688Range.ZeroTo2_5Vref => (0, 2.5),
        _ => (0, 1.25),
    };

    private static void Frame(ushort command, Span<byte> frame)
    {
        frame[0] = (byte)(command >> 8);
        frame[1] = (byte)command;
        frame[2] = 0;
        frame[3] = 0;
    }

    private void CheckRange(int channel, Ads8688Range range)
    {
        if (!Enum.IsDefined(range))
        {
            throw new AimcException($"{Name}: input range 0x{(int)range:X2} for channel {channel} is not one the part has; check the rig file");
        }
    }

    /// <summary>Disposes the bus devices given at construction, unless built with shouldDispose: false.</summary>
    public void Dispose() => _owned.Dispose();
}
