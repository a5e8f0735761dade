using AimcHil.Emulator;

namespace AimcHil.Rig.Direct;

/// <summary>One converter part on the board: which part, where it sits, its reference or range, its control lines.</summary>
public sealed record ConverterConfig
{
    /// <summary>mcp3008, mcp3208, ads1115, ads8688, ad7606 (ADCs); ad5328, ad5676 (DACs); iot:mcp3008, iot:ads1115,
    /// iot:ad5328 for the Iot.Device.Bindings bindings of those parts.</summary>
    public string Part { get; init; } = string.Empty;

    /// <summary>SPI or I2C bus number.</summary>
    [ValidRange(0, 65535)]
    public int Bus { get; init; }

    /// <summary>SPI chip select (SPI parts).</summary>
    [ValidRange(0, 65535)]
    public int ChipSelect { get; init; }

    /// <summary>I2C address (ads1115), e.g. 72 for 0x48.</summary>
    [ValidRange(0, 127)]
    public int Address { get; init; }

    [ValidRange(1, 1_000_000_000)]
    public int ClockHz { get; init; } = 1_000_000;

    /// <summary>Reference voltage (DACs, MCP3x08, ADS8688).</summary>
    [ValidRange(0, 1000, MinExclusive = true)]
    public double ReferenceVolts { get; init; } = 2.5;

    /// <summary>Input range, ± volts (AD7606: 5 or 10; ADS1115: its full scale; ADS8688: 2.5·Vref, …).</summary>
    [ValidRange(0, 1000, MinExclusive = true)]
    public double RangeVolts { get; init; } = 5;

    /// <summary>Channels of this part used, from channel 0 (default: all of them).</summary>
    [ValidRange(1, 64)]
    public int? ChannelsUsed { get; init; }

    /// <summary>AD7606 CONVST line (shared by several parts when they convert together).</summary>
    [ValidRange(0, 65535)]
    public int? ConvstLine { get; init; }

    /// <summary>AD7606 BUSY line.</summary>
    [ValidRange(0, 65535)]
    public int? BusyLine { get; init; }

    /// <summary>ADS1115 ALERT/RDY line (optional: polling otherwise).</summary>
    [ValidRange(0, 65535)]
    public int? ReadyLine { get; init; }
}
