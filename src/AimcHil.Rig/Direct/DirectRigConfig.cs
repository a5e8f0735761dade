using AimcHil.Core;
using AimcHil.Emulator;

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
    [ValidRange(0, 65535)]
    public int GpioChip { get; init; }

    [ValidRange(0, 65535)]
    public int StartLine { get; init; } = 20;

    [ValidRange(0, 65535)]
    public int DoneLine { get; init; } = 21;

    /// <summary>How long an MVM waits for DONE, and a PROGRAM for its end (per row of the tile: a verify loop takes longer).</summary>
    [ValidRange(1, 600_000)]
    public int DoneTimeoutMs { get; init; } = 100;

    public InputStageConfig Inputs { get; init; } = new();

    public OutputStageConfig Outputs { get; init; } = new();

    /// <summary>MAC value at the outputs' half span (what the chip's output buffers are designed for).</summary>
    [ValidRange(0, double.PositiveInfinity, MinExclusive = true)]
    public double MacFullScale { get; init; } = 16;

    /// <summary>Throws when two control roles share a GPIO line (only AD7606 parts converting together share CONVST):
    /// one line cannot be an output and an input, or two inputs whose edges mean different things.</summary>
    public void CheckLines()
    {
        var roles = new List<(string Name, int Line, bool Shareable)> { ("direct.start_line", StartLine, false), ("direct.done_line", DoneLine, false) };
        foreach (var (adc, i) in Outputs.Adcs.Select((a, i) => (a, i)))
        {
            var where = $"direct.outputs.adcs[{i}]";
            roles.AddRange(new[] { ("convst_line", adc.ConvstLine, true), ("busy_line", adc.BusyLine, false), ("ready_line", adc.ReadyLine, false) }
                .Where(r => r.Item2 is not null)
                .Select(r => ($"{where}.{r.Item1}", r.Item2!.Value, r.Item3)));
        }

        foreach (var line in roles.GroupBy(r => r.Line))
        {
            var users = line.ToList();
            if (users.Count > 1 && !users.All(u => u.Shareable))
            {
                throw new AimcException($"GPIO line {line.Key} is both {users[0].Name} and {users[1].Name}; give each control line its own GPIO line (only CONVST may be shared)");
            }
        }
    }
}

/// <summary>One SPI device: /dev/spidevB.C, its clock and mode.</summary>
public sealed record SpiBusConfig
{
    [ValidRange(0, 65535)]
    public int Bus { get; init; }

    [ValidRange(0, 65535)]
    public int ChipSelect { get; init; }

    [ValidRange(1, 1_000_000_000)]
    public int ClockHz { get; init; } = 1_000_000;

    /// <summary>SPI mode 0–3 (clock polarity and phase).</summary>
    [ValidRange(0, 3)]
    public int Mode { get; init; }
}

/// <summary>The word-line drive: DAC parts in row order (row i is the i-th channel over all parts), and how a signed
/// input code becomes a voltage (mid + x / x_max × half span).</summary>
public sealed record InputStageConfig
{
    [ValidRange(-1000, 1000)]
    public double MidVolts { get; init; } = 1.25;

    [ValidRange(0, 1000, MinExclusive = true)]
    public double HalfSpanVolts { get; init; } = 1.25;

    public List<ConverterConfig> Dacs { get; init; } = [];
}

/// <summary>The column read-out: ADC parts in column order, and how a MAC value becomes a voltage (mid + mac / mac full
/// scale × half span).</summary>
public sealed record OutputStageConfig
{
    [ValidRange(-1000, 1000)]
    public double MidVolts { get; init; }

    [ValidRange(0, 1000, MinExclusive = true)]
    public double HalfSpanVolts { get; init; } = 5;

    public List<ConverterConfig> Adcs { get; init; } = [];
}

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
