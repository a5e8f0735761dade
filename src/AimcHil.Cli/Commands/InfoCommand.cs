using System.CommandLine;
using AimcHil.Core;
using AimcHil.Rig;
using Spectre.Console;

namespace AimcHil.Cli.Commands;

/// <summary><c>aimc info</c>: the chip as the contract describes it, with the non-idealities in effect.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var rig = CommonOptions.Rig();
        var json = CommonOptions.Json();
        var ideal = CommonOptions.Ideal();
        var seed = CommonOptions.Seed();
        var port = CommonOptions.Port();
        var command = new Command("info", "describe the chip behind a rig file") { rig, json, ideal, seed, port };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var file = RigFileReader.Read(parse.GetValue(rig)!.FullName);
            using var chip = RigConnector.Open(file, new RigOptions { Ideal = parse.GetValue(ideal), Seed = parse.GetValue(seed), Port = parse.GetValue(port) });
            if (parse.GetValue(json))
            {
                JsonOutput.Write(new { rig = file.Path, description = file.Description, chip = chip.Info });
            }
            else
            {
                Print(file, chip.Info);
            }

            return 0;
        }));
        return command;
    }

    internal static void Print(RigFile file, ChipInfo info)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{info.Name}[/]  {file.Description}");
        AnsiConsole.Write(PropertyTable(info));
        AnsiConsole.Write(EffectTable(info));
        foreach (var e in info.NonIdealities)
        {
            RowNotes.Write(e.Name, e.Description);
        }
    }

    /// <summary>The chip's shape, converters and transport.</summary>
    internal static Table PropertyTable(ChipInfo info)
    {
        var table = new Table().AddColumns("property", "value");
        table.AddRow("domain", info.Domain.ToString());
        table.AddRow("device", info.Device.ToString());
        table.AddRow("tiles", $"{info.Tiles} × {info.Rows} rows × {info.Cols} cols");
        table.AddRow("weights", $"{info.WeightEncoding}, {(info.WeightLevels == 0 ? "analog" : $"{info.WeightLevels} levels")}");
        table.AddRow("DAC", $"{info.DacBits} bit, full scale {info.InputFullScale:g4} {info.InputUnit}");
        table.AddRow("ADC", $"{info.AdcBits} bit, full scale {info.OutputFullScale:g4} {info.OutputUnit} = {info.MacFullScale:g4} MAC, codes {info.AdcCodeMin} … {info.AdcCodeMax}");
        table.AddRow("transport", info.Transport);
        return table;
    }

    /// <summary>The non-idealities without their descriptions. The descriptions carry formulas; as a fifth column they
    /// wrapped every row into five lines at 80 columns, so each goes under the table instead, across the whole width
    /// (<see cref="RowNotes"/>).</summary>
    internal static Table EffectTable(ChipInfo info)
    {
        var effects = new Table().AddColumns("non-ideality", "on", "value", "unit");
        foreach (var e in info.NonIdealities)
        {
            effects.AddRow(Markup.Escape(e.Name), e.Enabled ? "[green]on[/]" : "[grey]off[/]", e.Value.ToString("g4"), Markup.Escape(e.Unit));
        }

        return effects;
    }
}
