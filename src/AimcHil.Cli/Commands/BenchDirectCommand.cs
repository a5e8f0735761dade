using System.CommandLine;
using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Rig;
using AimcHil.Rig.Direct;
using Spectre.Console;

namespace AimcHil.Cli.Commands;

/// <summary><c>aimc bench direct</c>: what one MVM sample costs on a direct rig's buses — a 64-column read-out through
/// eight AD7606s, through eight MCP3008s with our driver and with the Iot.Device.Bindings binding (iot:mcp3008), on
/// emulated buses wired to the rig file's chip — next to the floor the parts' protocols allow. Kernel calls are SPI messages (as the kernel sees them), I2C transactions and GPIO reads,
/// writes and edge waits; bus bytes are SPI bytes clocked (plus I2C data bytes, none here).</summary>
internal static class BenchDirectCommand
{
    /// <summary>Columns of the measured read-outs: eight 8-channel parts.</summary>
    public const int Columns = 64;

    public static Command Create()
    {
        var json = CommonOptions.Json();
        var rig = new Option<FileInfo>("--rig")
        {
            Description = "direct rig whose chip section the emulated buses are wired to (default hil-rigs/direct-emulated.yaml)",
            DefaultValueFactory = _ => new FileInfo(Path.Combine("hil-rigs", "direct-emulated.yaml")),
        };
        var command = new Command("direct", "kernel calls and bus bytes per MVM of a direct rig's 64-column read-out (AD7606, MCP3008 by our driver and by the Iot.Device binding) against the parts' minimums") { rig, json };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var file = RigFileReader.Read(parse.GetValue(rig)!.FullName);
            var preset = file.Chip ?? throw new AimcException($"{file.Path}: bench direct needs a rig file with a 'chip' section to wire the emulated buses to (e.g. hil-rigs/direct-emulated.yaml)");
            var cases = Measure(preset, file.Seed, (config, chip) => new AimcHil.Rig.Direct.Emulated.EmulatedBench(config, chip));
            if (parse.GetValue(json))
            {
                JsonOutput.Write(new { rig = file.Path, rows = preset.Rows, cols = Columns, cases });
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"direct rig, {preset.Rows} rows × {Columns} columns on emulated buses ({file.Path})");
                AnsiConsole.Write(CaseTable(cases));
            }

            return 0;
        }));
        return command;
    }

    /// <summary>Each read-out's kernel calls and bus bytes next to the parts' minimums.</summary>
    internal static Table CaseTable(IReadOnlyDictionary<string, DirectBenchCase> cases)
    {
        var table = new Table().AddColumns("case", "kernel calls / MVM", "minimum", "bus bytes / MVM", "minimum");
        foreach (var (name, c) in cases)
        {
            table.AddRow(name, c.KernelCallsPerMvm.ToString("F1"), c.MinKernelCallsPerMvm.ToString("F0"), c.BusBytesPerMvm.ToString("F0"), c.MinBusBytesPerMvm.ToString("F0"));
        }

        return table;
    }

    /// <summary>Both read-outs of a <paramref name="preset"/>.Rows × 64 chip on the buses <paramref name="buses"/> builds
    /// (the emulated bench in the command; any IDirectBuses in tests).</summary>
    public static Dictionary<string, DirectBenchCase> Measure(ChipPreset preset, ulong seed, Func<DirectRigConfig, IAimcChip, IDirectBuses> buses)
    {
        var sized = preset with { Cols = Columns, Tiles = 1 };
        var cases = new Dictionary<string, DirectBenchCase>();
        foreach (var part in new[] { "ad7606", "mcp3008", "iot:mcp3008" })
        {
            var config = DirectBusCost.ReadOutCase(part, sized.Rows, Columns);
            using var emulator = new EmulatedChip(sized, seed);
            var measured = DirectBusCost.Measure(config, emulator, buses);
            var minimum = DirectBusCost.Minimum(config, sized.Rows, Columns);
            cases[$"{part.Replace(':', '_')}_{Columns}"] = new DirectBenchCase
            {
                KernelCallsPerMvm = measured.KernelCalls,
                BusBytesPerMvm = measured.BusBytes,
                MinKernelCallsPerMvm = minimum.KernelCalls,
                MinBusBytesPerMvm = minimum.BusBytes,
            };
        }

        return cases;
    }
}
