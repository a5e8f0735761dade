namespace AimcHil.Rig.Direct;

/// <summary>The <c>direct</c> section of a rig file: how a Linux board reaches a TC1 test chip without a bridge (its
/// register interface on SPI, START/DONE on GPIO, inputs through DACs, outputs through ADCs); see hil-rigs/direct-tc1.md.</summary>
public sealed record DirectRigConfig
{
    /// <summary>True: the buses are emulated and wired to the emulator described by the rig file's <c>chip</c> section.</summary>
    public bool Emulated { get; init; }

    /// <summary>The TC1 register interface.</summary>
    public SpiBusConfig RegisterSpi { get; init; } = new() { Bus = 0, ChipSelect = 0, ClockHz = 10_000_000 };

    /// <summary>The GPIO chip the control lines are on (/dev/gpiochipN).</summary>
    public int GpioChip { get; init; }

    public int StartLine { get; init; } = 20;

    public int DoneLine { get; init; } = 21;

    /// <summary>How long an MVM waits for DONE, and a PROGRAM for its end (per row of the tile: a verify loop takes longer).</summary>
    public int DoneTimeoutMs { get; init; } = 100;

    public InputStageConfig Inputs { get; init; } = new();

    public OutputStageConfig Outputs { get; init; } = new();

    /// <summary>MAC value at the outputs' half span (what the chip's output buffers are designed for).</summary>
    public double MacFullScale { get; init; } = 16;
}

/// <summary>One SPI device: /dev/spidevB.C, its clock and mode.</summary>
public sealed record SpiBusConfig
{
    public int Bus { get; init; }

    public int ChipSelect { get; init; }

    public int ClockHz { get; init; } = 1_000_000;

    /// <summary>SPI mode 0–3 (clock polarity and phase).</summary>
    public int Mode { get; init; }
}

/// <summary>The word-line drive: DAC parts in row order (row i is the i-th channel over all parts), and how a signed
/// input code becomes a voltage (mid + x / x_max × half span).</summary>
public sealed record InputStageConfig
{
    public double MidVolts { get; init; } = 1.25;

    public double HalfSpanVolts { get; init; } = 1.25;

    public List<ConverterConfig> Dacs { get; init; } = [];
}

/// <summary>The column read-out: ADC parts in column order, and how a MAC value becomes a voltage (mid + mac / mac full
/// scale × half span).</summary>
public sealed record OutputStageConfig
{
    public double MidVolts { get; init; }

    public double HalfSpanVolts { get; init; } = 5;

    public List<ConverterConfig> Adcs { get; init; } = [];
}

/// <summary>One converter part on the board: which part, where it sits, its reference or range, its control lines.</summary>
public sealed record ConverterConfig
{
    /// <summary>mcp3008, mcp3208, ads1115, ads8688, ad7606 (ADCs); ad5328, ad5676 (DACs).</summary>
    public string Part { get; init; } = string.Empty;

    /// <summary>SPI or I2C bus number.</summary>
    public int Bus { get; init; }

    /// <summary>SPI chip select (SPI parts).</summary>
    public int ChipSelect { get; init; }

    /// <summary>I2C address (ads1115), e.g. 72 for 0x48.</summary>
    public int Address { get; init; }

    public int ClockHz { get; init; } = 1_000_000;

    /// <summary>Reference voltage (DACs, MCP3x08, ADS8688).</summary>
    public double ReferenceVolts { get; init; } = 2.5;

    /// <summary>Input range, ± volts (AD7606: 5 or 10; ADS1115: its full scale; ADS8688: 2.5·Vref, …).</summary>
    public double RangeVolts { get; init; } = 5;

    /// <summary>Channels of this part used, from channel 0 (default: all of them).</summary>
    public int? ChannelsUsed { get; init; }

    /// <summary>AD7606 CONVST line (shared by several parts when they convert together).</summary>
    public int? ConvstLine { get; init; }

    /// <summary>AD7606 BUSY line.</summary>
    public int? BusyLine { get; init; }

    /// <summary>ADS1115 ALERT/RDY line (optional: polling otherwise).</summary>
    public int? ReadyLine { get; init; }
}
