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
