using System.CommandLine;
using System.Text.Json;
using AimcHil.Characterization.Calibration;
using AimcHil.Characterization.Datasets;
using AimcHil.Core;
using Spectre.Console;

namespace AimcHil.Cli.Commands;

/// <summary><c>aimc calibrate</c>: fits a digital twin (an emulator rig file with measured arrays) from a chip's
/// characterization datasets, and reports every parameter with its uncertainty and residual.</summary>
internal static class CalibrateCommand
{
    /// <summary>The fit report's layout: snake_case keys, indented, NaN and infinities written by name.</summary>
    private static readonly JsonSerializerOptions ReportJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static Command Create()
    {
        var datasets = new Option<string[]>("--datasets") { Description = "dataset files or folders of them (from aimc characterize)", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<FileInfo>("--out") { Description = "the twin's rig file to write (its .npy arrays go beside it)", Required = true };
        var json = CommonOptions.Json();
        var command = new Command("calibrate", "fit a digital twin of a chip from its characterization datasets") { datasets, output, json };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var paths = DatasetFiles(parse.GetValue(datasets)!);
            var runs = paths.Select(path =>
            {
                using var dataset = MeasurementDataset.Open(path);
                if (dataset.Status != "completed")
                {
                    // A fit from part of a sweep fails far from the cause, or worse, succeeds on too few points.
                    var procedure = dataset.Header.Procedure;
                    throw new AimcException(
                        $"{path} is an unfinished {procedure} run ({dataset.Count} points, {dataset.Status}): finish it with `aimc characterize {procedure} --rig RIG --out {Path.GetDirectoryName(path)} --resume` before calibrating");
                }

                return (dataset.Header, (IReadOnlyList<DataPoint>)dataset.Points().ToList());
            }).ToList();
            var measured = new MeasuredChip(runs);
            var isJson = parse.GetValue(json);
            var fit = TwinCalibration.Fit(measured, isJson ? null : new Progress<string>(step => Console.Error.WriteLine($"fitting {step}")));
            var twinPath = parse.GetValue(output)!.FullName;
            TwinWriter.Write(twinPath, fit, string.Join(", ", paths));
            var reportPath = Path.ChangeExtension(twinPath, ".fit.json");
            var report = new { twin = twinPath, datasets = paths, parameters = fit.Report };
            File.WriteAllText(reportPath, JsonSerializer.Serialize(report, ReportJson));
            if (isJson)
            {
                JsonOutput.Write(new { twin = twinPath, report = reportPath, datasets = paths, parameters = fit.Report });
                return 0;
            }

            AnsiConsole.Write(ReportTable(fit.Report));
            foreach (var p in fit.Report)
            {
                RowNotes.WriteInline(p.Key, Note(p));
            }

            Console.WriteLine($"twin: {twinPath}");
            Console.WriteLine($"fit report: {reportPath}");
            return 0;
        }));
        return command;
    }

    /// <summary>Each fitted parameter's value. Its residual and the datasets it came from go under the table
    /// (<see cref="Note"/>): as two more columns (a residual such as "0.0123 spread of ν over devices" beside a key of up
    /// to 39 characters) they could not fit 80 columns, and the keys were folded in two (the command had widened piped
    /// output to 160 columns to avoid it).</summary>
    internal static Table ReportTable(IReadOnlyList<FitParameter> report)
    {
        var table = new Table().AddColumns("parameter", "value", "± 1σ", "unit");
        foreach (var p in report)
        {
            table.AddRow(Markup.Escape(p.Key), p.Value.ToString("G4"), double.IsNaN(p.Uncertainty) ? "–" : p.Uncertainty.ToString("G2"), Markup.Escape(p.Unit));
        }

        return table;
    }

    /// <summary>A parameter's residual (when the fit has one) and the measurements it was fitted from.</summary>
    internal static string Note(FitParameter p) =>
        double.IsNaN(p.Residual) ? $"from {p.Source}" : $"residual {p.Residual:G3} {p.ResidualUnit}, from {p.Source}";

    /// <summary>Dataset files named directly or found in named folders.</summary>
    internal static IReadOnlyList<string> DatasetFiles(IEnumerable<string> given)
    {
        var files = new List<string>();
        foreach (var path in given)
        {
            if (Directory.Exists(path))
            {
                var found = Directory.GetFiles(Path.GetFullPath(path), "*.sqlite").Order().ToArray();
                if (found.Length == 0)
                {
                    throw new AimcException($"{path} holds no datasets (*.sqlite): run `aimc characterize all --out {path}` first");
                }

                files.AddRange(found);
            }
            else if (File.Exists(path))
            {
                files.Add(Path.GetFullPath(path));
            }
            else
            {
                throw new AimcException($"{path}: no such dataset or folder");
            }
        }

        return files;
    }
}
