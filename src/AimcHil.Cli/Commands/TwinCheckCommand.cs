using System.CommandLine;
using AimcHil.Characterization.TwinChecks;
using AimcHil.Core;
using AimcHil.Rig;
using Spectre.Console;

namespace AimcHil.Cli.Commands;

/// <summary><c>aimc twin-check</c>: how well a twin predicts its chip, systematic and random errors side by side.</summary>
internal static class TwinCheckCommand
{
    public static Command Create()
    {
        var rig = CommonOptions.Rig();
        var twin = new Option<FileInfo>("--twin") { Description = "the twin's rig file (from aimc calibrate)", Required = true };
        var seed = CommonOptions.Seed();
        var port = CommonOptions.Port();
        var json = CommonOptions.Json();
        var tile = new Option<int>("--tile") { Description = "tile to compare", DefaultValueFactory = _ => 0 };
        var samples = new Option<int?>("--samples") { Description = "random input vectors (default 64; 256 when the twin is a passive array, whose unconverged write-verify leaves each column's mean error a full programming draw that only more vectors average down)" };
        var repeats = new Option<int>("--repeats") { Description = "MVMs of each input vector", DefaultValueFactory = _ => 16 };
        var command = new Command("twin-check", "compare a chip and its twin on the same fresh weights and inputs") { rig, twin, tile, samples, repeats, seed, port, json };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            if (parse.GetValue(samples) is < 2 || parse.GetValue(repeats) < 2)
            {
                throw new AimcException("--samples and --repeats must be at least 2");
            }

            var file = RigFileReader.Read(parse.GetValue(rig)!.FullName);
            var twinFile = RigFileReader.Read(parse.GetValue(twin)!.FullName);
            if (twinFile.Kind != RigKind.Emulator)
            {
                throw new AimcException($"{twinFile.Path} is a rig of kind {SnakeCase.Of(twinFile.Kind)}; a twin is a rig of kind emulator (aimc calibrate writes one)");
            }

            var sampleCount = parse.GetValue(samples) ?? (twinFile.Chip is { AccessTransistors: false } ? 256 : 64);
            var runSeed = parse.GetValue(seed) ?? file.Seed;
            using var chip = RigConnector.Open(file, new RigOptions { Seed = runSeed, Port = parse.GetValue(port) });
            using var model = RigConnector.Open(twinFile, new RigOptions { Seed = runSeed + 1 });
            ChipInfo measured = chip.Info, modelled = model.Info;
            if (measured.Rows != modelled.Rows || measured.Cols != modelled.Cols || measured.Tiles != modelled.Tiles || measured.Domain != modelled.Domain)
            {
                throw new AimcException($"--twin {twinFile.Path}: the twin {modelled.Name} is {Shape(modelled)} but the chip {measured.Name} is {Shape(measured)}; give the twin calibrated on this chip");
            }

            var result = TwinCheck.Run(chip, model, new TwinCheckSettings(parse.GetValue(tile), sampleCount, parse.GetValue(repeats), Seed: runSeed));
            if (parse.GetValue(json))
            {
                JsonOutput.Write(new { rig = file.Path, twin = twinFile.Path, result.Outputs, result.SystematicCorrelation, result.SystematicRmsDifferenceMac, result.ChipSystematicRmsMac, result.TwinSystematicRmsMac, result.ColumnSystematicCorrelation, result.ChipRandomSigmaMac, result.TwinRandomSigmaMac, result.RandomSigmaRatio, samples = sampleCount });
                return 0;
            }

            AnsiConsole.Write(ResultTable(result));
            Console.WriteLine($"systematic errors: correlation {result.SystematicCorrelation:F3} over {result.Outputs} outputs, RMS difference {result.SystematicRmsDifferenceMac:F4} MAC; per column: correlation {result.ColumnSystematicCorrelation:F3}");
            Console.WriteLine($"random error: twin/chip σ ratio {result.RandomSigmaRatio:F3}");
            return 0;
        }));
        return command;
    }

    /// <summary>The chip's errors next to the twin's.</summary>
    internal static Table ResultTable(TwinCheckResult result)
    {
        var table = new Table().AddColumns("", "chip", "twin");
        table.AddRow("systematic error RMS (MAC)", result.ChipSystematicRmsMac.ToString("F4"), result.TwinSystematicRmsMac.ToString("F4"));
        table.AddRow("random error σ (MAC)", result.ChipRandomSigmaMac.ToString("F4"), result.TwinRandomSigmaMac.ToString("F4"));
        return table;
    }

    private static string Shape(ChipInfo chip) => $"{chip.Rows}×{chip.Cols}, {chip.Tiles} tiles, {SnakeCase.Of(chip.Domain)} domain";
}
