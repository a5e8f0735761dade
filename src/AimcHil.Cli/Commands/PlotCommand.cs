using System.CommandLine;
using AimcHil.Characterization.Plots;
using AimcHil.Core;

namespace AimcHil.Cli.Commands;

/// <summary><c>aimc plot PATH</c>: the plots of a characterization dataset, a directory of them, or a training run.</summary>
internal static class PlotCommand
{
    /// <summary>What --format accepts, in the order its help names them: the parser's list and the help's.</summary>
    private static readonly (string Name, PlotFormat Format)[] Formats = [("png", PlotFormat.Png), ("svg", PlotFormat.Svg), ("both", PlotFormat.Both)];

    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "a dataset (.sqlite), a directory of datasets, or a training run directory (metrics.jsonl)" };
        var output = new Option<DirectoryInfo?>("--out") { Description = "folder for the plots (default: beside the dataset, or the run directory)" };
        var names = $"{string.Join(", ", Formats[..^1].Select(f => f.Name))} or {Formats[^1].Name}";
        var format = new Option<string>("--format") { Description = $"image format: {names}", DefaultValueFactory = _ => "png" }.Choices(Formats.Select(f => f.Name));

        // Our own message: System.CommandLine's list of the accepted values is tab-separated.
        format.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!Formats.Any(f => f.Name == value))
            {
                result.AddError($"--format {value} is not an image format: use {names}");
            }
        });
        var json = CommonOptions.Json();
        var command = new Command("plot", "draw the plots of a measurement dataset or a training run (PNG, SVG)") { path, output, format, json };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var plotFormat = Formats.Single(f => f.Name == parse.GetValue(format)).Format;
            var source = parse.GetValue(path)!;
            if (!File.Exists(source) && !Directory.Exists(source))
            {
                throw new AimcException($"{source}: no such file or folder; give a dataset (NAME.sqlite), a folder of them, or a training run directory");
            }

            var files = PathPlots.Draw(source, parse.GetValue(output)?.FullName, plotFormat);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(new { files });
            }
            else
            {
                foreach (var file in files)
                {
                    Console.WriteLine(file);
                }
            }

            return 0;
        }));
        return command;
    }
}
