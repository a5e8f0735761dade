using System.Device.Gpio;
using System.Device.Spi;
using AimcHil.Core;
using AimcHil.Hardware.Buses;

namespace AimcHil.Hardware.Converters;

/// <summary>Analog Devices AD7606: eight simultaneously sampled 16-bit bipolar channels, serial interface on SPI
/// (DOUTA only). A rising CONVST edge samples all eight; BUSY falls when the conversion (about 4 µs) is done; then
/// V1, V2, … come out as 16-bit two's complement words, MSB first, in one chip-select cycle.</summary>
/// <remarks>The conversion is shorter than a GPIO write takes, so BUSY has often already fallen when the wait starts:
/// the controller must report edges that happened since the previous wait (the Linux GPIO character device queues
/// edge events for that).</remarks>
public sealed class Ad7606 : IAdc
{
    private readonly SpiDevice _spi;
    private readonly OwnedBuses _owned;
    private readonly GpioController _gpio;
    private readonly int _convstPin;
    private readonly int _busyPin;

    public Ad7606(SpiDevice spi, GpioController gpio, int convstPin, int busyPin, Ad7606Range range = Ad7606Range.PlusMinus10V, TimeSpan? busyTimeout = null, bool shouldDispose = true)
    {
        _spi = spi;
        _owned = new OwnedBuses(shouldDispose, spi, gpio);
        _gpio = gpio;
        _convstPin = convstPin;
        _busyPin = busyPin;
        Range = range;
        Name = $"AD7606 on {spi.ConnectionSettings.DevicePath}";
        if (!Enum.IsDefined(range))
        {
            throw new AimcException($"{Name}: input range {range} is not one the part has (±5 V or ±10 V); check the rig file");
        }

        BusyTimeout = busyTimeout ?? TimeSpan.FromMilliseconds(1);
        // CONVST idles high so that a conversion is a low pulse ending in the rising edge that samples.
        gpio.OpenPin(convstPin, PinMode.Output, PinValue.High);
        gpio.OpenPin(busyPin, PinMode.Input);
    }

    public string Name { get; }

    public int Channels => 8;

    public int Bits => 16;

    public int MinCode => short.MinValue;

    public int MaxCode => short.MaxValue;

    public Ad7606Range Range { get; }

    public TimeSpan BusyTimeout { get; }

    public double RangeVolts => Range == Ad7606Range.PlusMinus10V ? 10.0 : 5.0;

    /// <summary>Bytes a scan of channels 0..k−1 clocks: k words; all channels are sampled at once and come out in order,
    /// so a scan reads up to its highest channel and stops.</summary>
    public static int MinimumBytesPerScan(int channels) => 2 * channels;

    /// <summary>SPI messages a scan takes: one (plus the CONVST pulse and BUSY wait on GPIO).</summary>
    public static int MinimumMessagesPerScan(int channels) => channels == 0 ? 0 : 1;

    public void ReadCodes(ReadOnlySpan<int> channels, Span<int> codes)
    {
        ConverterChecks.Scan(Name, channels, codes.Length, Channels);
        if (channels.IsEmpty)
        {
            return;
        }

        var highest = 0;
        foreach (var channel in channels)
        {
            highest = Math.Max(highest, channel);
        }

        _gpio.Write(_convstPin, PinValue.Low);
        _gpio.Write(_convstPin, PinValue.High);
        if (_gpio.WaitForEvent(_busyPin, PinEventTypes.Falling, BusyTimeout).TimedOut)
        {
            throw new AimcException($"{Name}: BUSY stayed high {BusyTimeout.TotalMilliseconds:0.###} ms after CONVST (conversion takes about 4 µs); check the BUSY wire to line {_busyPin} and CONVST to line {_convstPin} of {_gpio.ChipName}, RESET low and the part's supplies");
        }

        var words = new byte[2 * (highest + 1)];
        _spi.TransferMessage([new SpiTransfer(ReadOnlyMemory<byte>.Empty, words)]);
        for (var i = 0; i < channels.Length; i++)
        {
            codes[i] = (short)(words[2 * channels[i]] << 8 | words[2 * channels[i] + 1]);
        }
    }

    public double ToVolts(int channel, int code)
    {
        ConverterChecks.Channel(Name, channel, Channels);
        return code / 32768.0 * RangeVolts;
    }

    /// <summary>Disposes the bus devices given at construction, unless built with shouldDispose: false.</summary>
    public void Dispose() => _owned.Dispose();
}
