using System.Device.Gpio;
using System.Device.Spi;
using AimcHil.Core;
using AimcHil.Hardware.Buses;
using AimcHil.Hardware.Converters;
using AimcHil.Rig.Direct.IotBindings;

namespace AimcHil.Rig.Direct;

/// <summary>Builds the converter drivers a direct rig file names, by part name, on the rig's buses; each part gets the
/// SPI mode its datasheet clocks in, so a rig file only says where the part sits. A name with the <c>iot:</c> prefix
/// takes the Iot.Device.Bindings binding of that part instead of ours (iot:mcp3008, iot:ads1115, iot:ad5328).</summary>
public sealed class ConverterParts(IDirectBuses buses)
{
    /// <summary>DAC part names a rig file may give.</summary>
    public static IReadOnlyList<string> DacParts { get; } = ["ad5328", "ad5676", "iot:ad5328"];

    /// <summary>ADC part names a rig file may give.</summary>
    public static IReadOnlyList<string> AdcParts { get; } = ["mcp3008", "mcp3208", "ads1115", "ads8688", "ad7606", "iot:mcp3008", "iot:ads1115"];

    /// <summary>The prefix that picks an Iot.Device.Bindings binding instead of our driver.</summary>
    public const string IotPrefix = "iot:";

    /// <summary>The silicon a part name stands for, whichever driver runs it: "iot:mcp3008" and "mcp3008" are both an
    /// MCP3008 on the board (what the emulation wires and what the datasheet floor counts).</summary>
    public static string Silicon(string part)
    {
        var name = part.Trim().ToLowerInvariant();
        return name.StartsWith(IotPrefix, StringComparison.Ordinal) ? name[IotPrefix.Length..] : name;
    }

    private readonly Dictionary<int, SharedConvst> _convstLines = [];

    /// <param name="where">The part's place in the rig file for messages, e.g. "direct.inputs.dacs[2]".</param>
    public IDac Dac(ConverterConfig part, string where)
    {
        switch (part.Part.ToLowerInvariant())
        {
            case "ad5328":
                return new Ad5328(Spi(part, SpiMode.Mode1), part.ReferenceVolts, shouldDispose: false);
            case "ad5676":
                return new Ad5676(Spi(part, SpiMode.Mode1), part.ReferenceVolts, shouldDispose: false);
            case "iot:ad5328":
                return new IotAd5328Dac(Spi(part, SpiMode.Mode1), part.ReferenceVolts, shouldDispose: false);
            default:
                throw Unknown(part, where, "DAC", DacParts);
        }
    }

    /// <param name="where">The part's place in the rig file for messages, e.g. "direct.outputs.adcs[0]".</param>
    public IAdc Adc(ConverterConfig part, string where)
    {
        switch (part.Part.ToLowerInvariant())
        {
            case "mcp3008":
                return new Mcp3008(Spi(part, SpiMode.Mode0), part.ReferenceVolts, shouldDispose: false);
            case "mcp3208":
                return new Mcp3208(Spi(part, SpiMode.Mode0), part.ReferenceVolts, shouldDispose: false);
            case "ads8688":
                var range = Ads8688RangeOf(part, where);
                return new Ads8688(Spi(part, SpiMode.Mode1), [.. Enumerable.Repeat(range, 8)], part.ReferenceVolts, shouldDispose: false);
            case "ads1115":
                var i2c = buses.I2c(part.Bus, part.Address);
                var fullScale = Ads1115FullScaleOf(part, where);
                return part.ReadyLine is { } ready ? new Ads1115(i2c, buses.Gpio, ready, fullScale, shouldDispose: false) : new Ads1115(i2c, fullScale, shouldDispose: false);
            case "iot:mcp3008":
                return new IotMcp3008Adc(Spi(part, SpiMode.Mode0), part.ReferenceVolts, shouldDispose: false);
            case "iot:ads1115":
                if (part.ReadyLine is not null)
                {
                    throw new AimcException($"{where}: iot:ads1115 polls the OS bit (the binding has no wait on ALERT/RDY); remove ready_line, or use ads1115");
                }

                // The same range check and message as ours; the binding then takes the volts.
                _ = Ads1115FullScaleOf(part, where);
                return new IotAds1115Adc(buses.I2c(part.Bus, part.Address), part.RangeVolts, shouldDispose: false);
            case "ad7606":
                var convst = part.ConvstLine ?? throw new AimcException($"{where}: ad7606 needs convst_line (the GPIO line on CONVST A/B)");
                var busy = part.BusyLine ?? throw new AimcException($"{where}: ad7606 needs busy_line (the GPIO line on BUSY)");
                var adcRange = part.RangeVolts switch
                {
                    5 => Ad7606Range.PlusMinus5V,
                    10 => Ad7606Range.PlusMinus10V,
                    _ => throw new AimcException($"{where}: ad7606 range_volts {part.RangeVolts}: the RANGE pin gives 5 (±5 V) or 10 (±10 V)"),
                };
                return new Ad7606(Spi(part, SpiMode.Mode2), Gpio(convst), convst, busy, adcRange, shouldDispose: false);
            default:
                throw Unknown(part, where, "ADC", AdcParts);
        }
    }

    private static AimcException Unknown(ConverterConfig part, string where, string kind, IReadOnlyList<string> allowed) =>
        new($"{where}: part '{part.Part}' is not a{(kind == "ADC" ? "n" : string.Empty)} {kind} this version drives; allowed: {string.Join(", ", allowed)}");

    private static Ads8688Range Ads8688RangeOf(ConverterConfig part, string where)
    {
        var ratio = part.RangeVolts / part.ReferenceVolts;
        foreach (var (multiple, range) in new[] { (2.5, Ads8688Range.PlusMinus2_5Vref), (1.25, Ads8688Range.PlusMinus1_25Vref), (0.625, Ads8688Range.PlusMinus0_625Vref) })
        {
            if (Math.Abs(ratio - multiple) < 1e-6)
            {
                return range;
            }
        }

        throw new AimcException($"{where}: ads8688 range_volts {part.RangeVolts} with reference_volts {part.ReferenceVolts}: the part's bipolar ranges are ±2.5, ±1.25 and ±0.625 × the reference (e.g. range_volts 10.24 with reference_volts 4.096)");
    }

    private static Ads1115FullScale Ads1115FullScaleOf(ConverterConfig part, string where) => part.RangeVolts switch
    {
        6.144 => Ads1115FullScale.PlusMinus6_144V,
        4.096 => Ads1115FullScale.PlusMinus4_096V,
        2.048 => Ads1115FullScale.PlusMinus2_048V,
        1.024 => Ads1115FullScale.PlusMinus1_024V,
        0.512 => Ads1115FullScale.PlusMinus0_512V,
        0.256 => Ads1115FullScale.PlusMinus0_256V,
        _ => throw new AimcException($"{where}: ads1115 range_volts {part.RangeVolts}: the PGA gives 6.144, 4.096, 2.048, 1.024, 0.512 or 0.256"),
    };

    /// <summary>The GPIO chip as an AD7606 on <paramref name="convst"/> sees it, that line shared with the other parts on it.</summary>
    private GpioController Gpio(int convst)
    {
        if (!_convstLines.TryGetValue(convst, out var group))
        {
            _convstLines[convst] = group = new SharedConvst(convst);
        }

        return new GpioController(new SharedLineGpioDriver(buses.Gpio, group));
    }

    private SpiMessageDevice Spi(ConverterConfig part, SpiMode mode) =>
        buses.Spi(new SpiBusConfig { Bus = part.Bus, ChipSelect = part.ChipSelect, ClockHz = part.ClockHz, Mode = (int)mode });
}
