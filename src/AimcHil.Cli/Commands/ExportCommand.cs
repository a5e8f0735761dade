using System.CommandLine;
using AimcHil.Characterization.Datasets;
using AimcHil.Core;

namespace AimcHil.Cli.Commands;

/// <summary><c>aimc export DATASET --csv|--npy</c>: a dataset as flat files for tools that do not read SQLite.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var dataset = new Argument<FileInfo>("dataset") { Description = "a dataset from aimc characterize (NAME.sqlite)" };
        var csv = new Option<bool>("--csv") { Description = "CSV: one wide file of scalars, one long file per array" };
        var npy = new Option<bool>("--npy") { Description = "NumPy .npy: one file per parameter, arrays stacked over points" };
        var output = new Option<DirectoryInfo?>("--out") { Description = "folder to write into (default: beside the dataset)" };
        var json = CommonOptions.Json();
        var command = new Command("export", "export a dataset as CSV or .npy files") { dataset, csv, npy, output, json };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            if (parse.GetValue(csv) == parse.GetValue(npy))
            {
                throw new AimcException("say which format: --csv or --npy");
            }

            var path = parse.GetValue(dataset)!.FullName;
            var directory = parse.GetValue(output)?.FullName ?? Path.GetDirectoryName(path)!;
            Directory.CreateDirectory(directory);
            using var data = MeasurementDataset.Open(path);
            var files = parse.GetValue(csv) ? DatasetExport.WriteCsv(data, directory) : DatasetExport.WriteNpy(data, directory);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(new { dataset = path, files });
            }
            else
            {
                foreach (var f in files)
                {
                    Console.WriteLine(f);
                }
            }

            return 0;
        }));
        return command;
    }
}
