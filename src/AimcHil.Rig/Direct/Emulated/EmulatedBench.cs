using System.Device.Gpio;
using System.Device.I2c;
using System.Device.Spi;
using AimcHil.Core;
using AimcHil.Hardware.Buses;

namespace AimcHil.Rig.Direct.Emulated;

/// <summary>The buses of an emulated direct rig: the TC1 model on the chip, a register-level model of every DAC and ADC
/// the rig file names, and the GPIO chip wiring START, DONE, CONVST, BUSY and ALERT/RDY between them.</summary>
/// <remarks>Word line i is the i-th DAC channel over <c>inputs.dacs</c> in order (each part contributing its
/// <c>channels_used</c>); column j's output pin reaches the j-th ADC channel over <c>outputs.adcs</c> the same way; ADC
/// channels beyond <c>channels_used</c> are grounded. The same model is handed out every time its device is opened, so
/// its counters add up over the run.</remarks>
public sealed class EmulatedBench : IDirectBuses
{
    private readonly Dictionary<(int Bus, int ChipSelect), EmulatedSpiPart> _spi = [];
    private readonly Dictionary<(int Bus, int Address), EmulatedAds1115> _i2c = [];
    private readonly List<IWordLineDriver> _dacs = [];
    private readonly List<object> _adcs = [];
    private readonly List<(IWordLineDriver Part, int Channel)> _wordLines = [];

    public EmulatedBench(DirectRigConfig config, IAimcChip chip, string gpioName = "emulated-gpiochip0")
    {
        Config = config;
        Gpio = new EmulatedGpio(gpioName);
        foreach (var dac in config.Inputs.Dacs)
        {
            var part = Dac(dac);
            _dacs.Add(part);
            for (var channel = 0; channel < Used(dac, part.Channels); channel++)
            {
                _wordLines.Add((part, channel));
            }
        }

        Tc1 = new EmulatedTc1(chip, config, Gpio, i => _wordLines[i].Part.OutputVolts(_wordLines[i].Channel), _wordLines.Count);
        Add(config.RegisterSpi.Bus, config.RegisterSpi.ChipSelect, Tc1);
        var column = 0;
        foreach (var adc in config.Outputs.Adcs)
        {
            _adcs.Add(Adc(adc, column));
            column += Used(adc, Channels(adc));
        }
    }

    public DirectRigConfig Config { get; }

    public EmulatedTc1 Tc1 { get; }

    public EmulatedGpio Gpio { get; }

    GpioController IDirectBuses.Gpio => Gpio.Controller;

    /// <summary>The emulator's clock when it is virtual: the devices behind the emulated pins age by it alone, so the
    /// host reads and advances that time (a wall clock would wait while the emulated devices stood still).</summary>
    public IChipClock? ChipClock => Tc1.Chip.Clock.IsVirtual ? Tc1.Chip.Clock : null;

    /// <summary>The DAC models in <c>inputs.dacs</c> order.</summary>
    public IReadOnlyList<IWordLineDriver> Dacs => _dacs;

    /// <summary>The ADC models in <c>outputs.adcs</c> order (SPI parts are <see cref="EmulatedSpiPart"/>, the ADS1115 an
    /// <see cref="EmulatedAds1115"/>).</summary>
    public IReadOnlyList<object> Adcs => _adcs;

    /// <summary>Word lines the DACs drive.</summary>
    public int WordLines => _wordLines.Count;

    /// <summary>SPI messages to every part (kernel calls on a real board).</summary>
    public long SpiMessages => _spi.Values.Sum(p => p.Messages);

    public long SpiBytes => _spi.Values.Sum(p => p.BytesClocked);

    public long I2cTransactions => _i2c.Values.Sum(p => p.Transactions);

    public long I2cBytes => _i2c.Values.Sum(p => p.BytesMoved);

    /// <summary>GPIO writes that changed a host output (START, CONVST).</summary>
    public long GpioOutputEdges => Gpio.OutputEdges;

    /// <summary>Per-part traffic, TC1 first, then the parts by bus and chip select or address.</summary>
    public IReadOnlyList<EmulatedBusTraffic> Traffic() =>
    [
        .. _spi.OrderBy(p => p.Value != Tc1).ThenBy(p => p.Key.Bus).ThenBy(p => p.Key.ChipSelect)
            .Select(p => new EmulatedBusTraffic(p.Value.ConnectionSettings.DevicePath, p.Value.Part, p.Value.Messages, p.Value.BytesClocked)),
        .. _i2c.OrderBy(p => p.Key.Bus).ThenBy(p => p.Key.Address)
            .Select(p => new EmulatedBusTraffic($"{p.Value.ConnectionSettings.DevicePath}@0x{p.Key.Address:X2}", "ADS1115", p.Value.Transactions, p.Value.BytesMoved)),
    ];

    public SpiMessageDevice Spi(SpiBusConfig device)
    {
        if (!_spi.TryGetValue((device.Bus, device.ChipSelect), out var part))
        {
            var fitted = string.Join(", ", _spi.OrderBy(p => p.Key).Select(p => $"{p.Value.Part} on /dev/spidev{p.Key.Bus}.{p.Key.ChipSelect}"));
            throw new AimcException($"emulated direct rig: nothing is wired to SPI bus {device.Bus}, chip select {device.ChipSelect} (/dev/spidev{device.Bus}.{device.ChipSelect}); the rig file fits {fitted}");
        }

        part.Reopen(new SpiConnectionSettings(device.Bus, device.ChipSelect) { Mode = (SpiMode)device.Mode, ClockFrequency = device.ClockHz });
        return part;
    }

    public I2cTransactionDevice I2c(int bus, int address)
    {
        if (!_i2c.TryGetValue((bus, address), out var part))
        {
            var fitted = _i2c.Count == 0 ? "no I2C parts" : string.Join(", ", _i2c.Keys.Order().Select(k => $"ADS1115 at 0x{k.Address:X2} on /dev/i2c-{k.Bus}"));
            throw new AimcException($"emulated direct rig: no device answers at address 0x{address:X2} on I2C bus {bus} (/dev/i2c-{bus}); the rig file fits {fitted}");
        }

        return part;
    }

    public void Dispose() => Gpio.Controller.Dispose();

    private static int Channels(ConverterConfig part) => Lower(part.Part) == "ads1115" ? 4 : 8;

    private static string Lower(string part) => ConverterParts.Silicon(part);

    private static int Used(ConverterConfig part, int channels)
    {
        var used = part.ChannelsUsed ?? channels;
        if (used < 0 || used > channels)
        {
            throw new AimcException($"emulated direct rig: {part.Part} on bus {part.Bus} uses {used} channels, the part has {channels}; check channels_used in the rig file");
        }

        return used;
    }

    private static SpiConnectionSettings Settings(ConverterConfig part, SpiMode mode) =>
        new(part.Bus, part.ChipSelect) { Mode = mode, ClockFrequency = part.ClockHz };

    private IWordLineDriver Dac(ConverterConfig dac)
    {
        EmulatedSpiPart part = Lower(dac.Part) switch
        {
            "ad5676" => new EmulatedAd5676(Settings(dac, SpiMode.Mode1), dac.ReferenceVolts),
            "ad5328" => new EmulatedAd5328(Settings(dac, SpiMode.Mode1), dac.ReferenceVolts),
            _ => throw new AimcException($"emulated direct rig: '{dac.Part}' is not a DAC part the emulation has (ad5328, ad5676, iot:ad5328); check inputs.dacs in the rig file"),
        };
        Add(dac.Bus, dac.ChipSelect, part);
        return (IWordLineDriver)part;
    }

    private object Adc(ConverterConfig adc, int firstColumn)
    {
        var used = Used(adc, Channels(adc));
        Func<int, double> inputs = channel => channel < used ? Tc1.OutputVolts(firstColumn + channel) : 0.0;
        if (Lower(adc.Part) == "ads1115")
        {
            var settings = new I2cConnectionSettings(adc.Bus, adc.Address);
            var ads = new EmulatedAds1115(settings, inputs, adc.ReadyLine is null ? null : Gpio, adc.ReadyLine ?? -1);
            if (!_i2c.TryAdd((adc.Bus, adc.Address), ads))
            {
                throw new AimcException($"emulated direct rig: two parts at address 0x{adc.Address:X2} on I2C bus {adc.Bus}; check outputs.adcs in the rig file");
            }

            return ads;
        }

        EmulatedSpiPart part = Lower(adc.Part) switch
        {
            "mcp3008" => new EmulatedMcp3008(Settings(adc, SpiMode.Mode0), adc.ReferenceVolts, inputs),
            "mcp3208" => new EmulatedMcp3208(Settings(adc, SpiMode.Mode0), adc.ReferenceVolts, inputs),
            "ads8688" => new EmulatedAds8688(Settings(adc, SpiMode.Mode1), inputs, adc.ReferenceVolts),
            "ad7606" => new EmulatedAd7606(
                Settings(adc, SpiMode.Mode2),
                Gpio,
                adc.ConvstLine ?? throw Missing(adc, "convst_line"),
                adc.BusyLine ?? throw Missing(adc, "busy_line"),
                adc.RangeVolts is 5 or 10 ? adc.RangeVolts : throw new AimcException($"emulated direct rig: AD7606 on SPI bus {adc.Bus}, chip select {adc.ChipSelect} has range ±{adc.RangeVolts} V; the part has ±5 V and ±10 V"),
                inputs),
            _ => throw new AimcException($"emulated direct rig: '{adc.Part}' is not an ADC part the emulation has (mcp3008, mcp3208, ads1115, ads8688, ad7606, iot:mcp3008, iot:ads1115); check outputs.adcs in the rig file"),
        };
        Add(adc.Bus, adc.ChipSelect, part);
        return part;
    }

    private static AimcException Missing(ConverterConfig part, string field) =>
        new($"emulated direct rig: {part.Part} on SPI bus {part.Bus}, chip select {part.ChipSelect} needs {field}; add it to the rig file");

    private void Add(int bus, int chipSelect, EmulatedSpiPart part)
    {
        if (!_spi.TryAdd((bus, chipSelect), part))
        {
            throw new AimcException($"emulated direct rig: {_spi[(bus, chipSelect)].Part} and {part.Part} both sit on SPI bus {bus}, chip select {chipSelect}; check the rig file");
        }
    }
}
