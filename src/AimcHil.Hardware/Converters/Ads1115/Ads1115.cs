using System.Device.Gpio;
using System.Device.I2c;
using System.Diagnostics;
using AimcHil.Core;
using AimcHil.Hardware.Buses;

namespace AimcHil.Hardware.Converters;

/// <summary>TI ADS1115 (SBAS444): a 16-bit delta-sigma ADC on I2C with a 4-way input multiplexer, read here single-ended
/// (AINn against GND) in single-shot mode, one channel after another; completion is seen by polling the OS bit or, when
/// wired, by the ALERT/RDY pin's falling edge.</summary>
public sealed class Ads1115 : IAdc
{
    // Register pointers.
    internal const byte Conversion = 0x00;
    internal const byte Config = 0x01;
    internal const byte LoThresh = 0x02;
    internal const byte HiThresh = 0x03;

    private readonly I2cDevice _i2c;
    private readonly OwnedBuses _owned;
    private readonly GpioController? _gpio;
    private readonly int _readyPin;
    private readonly byte[] _word = new byte[2];

    /// <summary>Polls the OS bit for completion.</summary>
    public Ads1115(I2cDevice i2c, Ads1115FullScale fullScale = Ads1115FullScale.PlusMinus2_048V, Ads1115DataRate dataRate = Ads1115DataRate.Sps128, TimeSpan? conversionTimeout = null, bool shouldDispose = true)
        : this(i2c, fullScale, dataRate, conversionTimeout, null, -1, shouldDispose)
    {
    }

    /// <summary>Waits for ALERT/RDY (open drain, active low) on <paramref name="readyPin"/> of <paramref name="gpio"/>:
    /// the threshold registers are set to the datasheet's conversion-ready pattern (Hi_thresh MSB 1, Lo_thresh MSB 0).</summary>
    public Ads1115(I2cDevice i2c, GpioController gpio, int readyPin, Ads1115FullScale fullScale = Ads1115FullScale.PlusMinus2_048V, Ads1115DataRate dataRate = Ads1115DataRate.Sps128, TimeSpan? conversionTimeout = null, bool shouldDispose = true)
        : this(i2c, fullScale, dataRate, conversionTimeout, gpio, readyPin, shouldDispose)
    {
    }

    private Ads1115(I2cDevice i2c, Ads1115FullScale fullScale, Ads1115DataRate dataRate, TimeSpan? conversionTimeout, GpioController? gpio, int readyPin, bool shouldDispose)
    {
        _owned = new OwnedBuses(shouldDispose, i2c, gpio);
        _i2c = i2c;
        _gpio = gpio;
        _readyPin = readyPin;
        FullScale = fullScale;
        DataRate = dataRate;
        var settings = i2c.ConnectionSettings;
        Name = $"ADS1115 at 0x{settings.DeviceAddress:X2} on bus {settings.BusId}";
        if (!Enum.IsDefined(fullScale) || !Enum.IsDefined(dataRate))
        {
            throw new AimcException($"{Name}: full scale {fullScale} or data rate {dataRate} is not one the part has; check the rig file");
        }

        // The internal oscillator may run 10 % slow, so twice the nominal conversion time covers the part; the 50 ms
        // covers the host: a loaded Linux board can deschedule the poller for tens of milliseconds (a 2 ms margin
        // failed a two-poll read on a busy 2-core machine), and a dead part is still named within a third of a second.
        ConversionTimeout = conversionTimeout ?? TimeSpan.FromSeconds(2.0 / SamplesPerSecond(dataRate)) + TimeSpan.FromMilliseconds(50);
        if (gpio is not null)
        {
            // COMP_QUE != 11 with Hi_thresh MSB = 1 and Lo_thresh MSB = 0 turns ALERT/RDY into a conversion-ready
            // output (SBAS444 9.3.8).
            _i2c.Write([HiThresh, 0x80, 0x00]);
            _i2c.Write([LoThresh, 0x00, 0x00]);
            gpio.OpenPin(readyPin, PinMode.InputPullUp);
        }
    }

    public string Name { get; }

    public int Channels => 4;

    public int Bits => 16;

    public int MinCode => short.MinValue;

    public int MaxCode => short.MaxValue;

    public Ads1115FullScale FullScale { get; }

    public Ads1115DataRate DataRate { get; }

    public TimeSpan ConversionTimeout { get; }

    /// <summary>The ± full-scale voltage of the PGA setting (the input itself may not exceed VDD + 0.3 V).</summary>
    public double FullScaleVolts => FullScale switch
    {
        Ads1115FullScale.PlusMinus6_144V => 6.144,
        Ads1115FullScale.PlusMinus4_096V => 4.096,
        Ads1115FullScale.PlusMinus2_048V => 2.048,
        Ads1115FullScale.PlusMinus1_024V => 1.024,
        Ads1115FullScale.PlusMinus0_512V => 0.512,
        _ => 0.256,
    };

    /// <summary>Bytes one channel costs at the datasheet minimum, ready pin wired: config write (pointer + 2) and a
    /// combined conversion read (pointer, then 2); I2C address bytes not counted. Polling adds 3 bytes a poll.</summary>
    public static int MinimumBytesPerScan(int channels) => 6 * channels;

    /// <summary>I2C transactions a scan needs at least: start a conversion, read it, for every channel — the
    /// multiplexer converts one input at a time.</summary>
    public static int MinimumMessagesPerScan(int channels) => 2 * channels;

    /// <summary>The config word that starts a single-shot conversion of AIN<paramref name="channel"/> against GND.</summary>
    public ushort ConfigWord(int channel)
    {
        ConverterChecks.Channel(Name, channel, Channels);
        var word = 1 << 15                 // OS: start a single conversion
            | (0b100 | channel) << 12      // MUX: AINn vs GND
            | (int)FullScale << 9          // PGA
            | 1 << 8                       // MODE: single-shot
            | (int)DataRate << 5           // DR
            | (_gpio is null ? 0b11 : 0b00); // COMP_QUE: comparator off, or assert ALERT/RDY after one conversion
        return (ushort)word;
    }

    public void ReadCodes(ReadOnlySpan<int> channels, Span<int> codes)
    {
        ConverterChecks.Scan(Name, channels, codes.Length, Channels);
        for (var i = 0; i < channels.Length; i++)
        {
            codes[i] = Convert(channels[i]);
        }
    }

    public double ToVolts(int channel, int code)
    {
        ConverterChecks.Channel(Name, channel, Channels);
        return code * FullScaleVolts / 32768.0;
    }

    internal static double SamplesPerSecond(Ads1115DataRate rate) => rate switch
    {
        Ads1115DataRate.Sps8 => 8,
        Ads1115DataRate.Sps16 => 16,
        Ads1115DataRate.Sps32 => 32,
        Ads1115DataRate.Sps64 => 64,
        Ads1115DataRate.Sps128 => 128,
        Ads1115DataRate.Sps250 => 250,
        Ads1115DataRate.Sps475 => 475,
        _ => 860,
    };

    private int Convert(int channel)
    {
        var config = ConfigWord(channel);
        _i2c.Write([Config, (byte)(config >> 8), (byte)config]);
        if (_gpio is not null)
        {
            if (_gpio.WaitForEvent(_readyPin, PinEventTypes.Falling, ConversionTimeout).TimedOut)
            {
                throw Timeout(channel, $"check the ALERT/RDY wire to line {_readyPin} of {_gpio.ChipName} and its pull-up");
            }
        }
        else
        {
            AwaitReady(channel, config);
        }

        _i2c.WriteRead([Conversion], _word);
        return (short)(_word[0] << 8 | _word[1]);
    }

    private void AwaitReady(int channel, ushort written)
    {
        var clock = Stopwatch.StartNew();
        var period = TimeSpan.FromSeconds(1 / SamplesPerSecond(DataRate));
        // A conversion takes one data-rate period (±10 % oscillator), so polls before that only load the bus; after it,
        // poll at a tenth of the period.
        Thread.Sleep(period < ConversionTimeout ? period : ConversionTimeout);
        var pause = period / 10;
        while (true)
        {
            _i2c.WriteRead([Config], _word);
            var read = _word[0] << 8 | _word[1];
            // Apart from OS, the register reads back what was written; anything else is another device answering at
            // this address or a bus that is not there.
            if ((read & 0x7FFF) != (written & 0x7FFF))
            {
                throw new AimcException($"{Name}: the config register reads 0x{read:X4} after 0x{written:X4} was written for AIN{channel}; check the I2C address and that no other device answers at it");
            }

            if ((read & 0x8000) != 0)
            {
                return;
            }

            if (clock.Elapsed >= ConversionTimeout)
            {
                throw Timeout(channel, "check the part's supply and that nothing else writes its config register");
            }

            Thread.Sleep(pause);
        }
    }

    private AimcException Timeout(int channel, string check) =>
        new($"{Name}: conversion on AIN{channel} did not complete within {ConversionTimeout.TotalMilliseconds:0.#} ms; {check}");

    /// <summary>Disposes the bus devices given at construction, unless built with shouldDispose: false.</summary>
    public void Dispose() => _owned.Dispose();
}
