using System.CommandLine;
using System.Reflection;
using AimcHil.Characterization.Datasets;
using AimcHil.Core;
using AimcHil.Training.Interchange;

namespace AimcHil.Cli.Commands;

/// <summary><c>aimc export</c>: a dataset as flat files for tools that do not read SQLite (<c>--csv|--npy</c>), or a
/// training run's final weights as a PyTorch state_dict (<c>--safetensors|--npz</c>).</summary>
internal static class ExportCommand
{
    private const string WhichFormat = "--csv or --npy for a dataset, --safetensors or --npz for a training run's weights";

    public static Command Create()
    {
        var source = new Argument<string>("dataset-or-run") { Description = "a dataset from aimc characterize (NAME.sqlite), or a training run (its directory or model.bin)" };
        var csv = new Option<bool>("--csv") { Description = "CSV: one wide file of scalars, one long file per array" };
        var npy = new Option<bool>("--npy") { Description = "NumPy .npy: one file per parameter, arrays stacked over points" };
        var safetensors = new Option<bool>("--safetensors") { Description = "a run's final weights as a PyTorch state_dict in .safetensors (float32, PyTorch's names and shapes)" };
        var npz = new Option<bool>("--npz") { Description = "a run's final weights as a PyTorch state_dict in .npz, as np.savez writes it" };
        var output = new Option<string?>("--out") { Description = "a dataset: the folder to write into (default: beside the dataset); a run: the file to write (default: RUN/model.safetensors or RUN/model.npz)" };
        var json = CommonOptions.Json();
        var command = new Command("export", "export a dataset as CSV or .npy files, or a training run's weights as a PyTorch state_dict")
        {
            source, csv, npy, safetensors, npz, output, json,
        };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var chosen = new[] { (csv, "--csv"), (npy, "--npy"), (safetensors, "--safetensors"), (npz, "--npz") }
                .Where(f => parse.GetValue(f.Item1)).Select(f => f.Item2).ToList();
            if (chosen.Count != 1)
            {
                throw new AimcException(chosen.Count == 0
                    ? $"say which format: {WhichFormat}"
                    : $"give one format, not {string.Join(" and ", chosen)}: {WhichFormat}");
            }

            var path = Path.GetFullPath(parse.GetValue(source)!);
            var isJson = parse.GetValue(json);
            return chosen[0] switch
            {
                "--csv" or "--npy" => ExportDataset(path, chosen[0], parse.GetValue(output), isJson),
                _ => ExportRun(path, chosen[0] == "--safetensors" ? SafeTensors.Extension : NpzStateDict.Extension, parse.GetValue(output), isJson),
            };
        }));
        return command;
    }

    private static int ExportDataset(string path, string format, string? output, bool isJson)
    {
        if (Directory.Exists(path))
        {
            throw new AimcException($"{path} is a directory: {format} exports a dataset (NAME.sqlite); a training run's weights export with --safetensors or --npz");
        }

        var directory = output is null ? Path.GetDirectoryName(path)! : Path.GetFullPath(output);
        Directory.CreateDirectory(directory);
        using var data = MeasurementDataset.Open(path);
        var files = format == "--csv" ? DatasetExport.WriteCsv(data, directory) : DatasetExport.WriteNpy(data, directory);
        if (isJson)
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
    }

    private static int ExportRun(string run, string extension, string? output, bool isJson)
    {
        var weights = RunWeights.Open(run);
        var file = OutputFile(output, weights, extension);
        StateDict.Save(file, weights.Parameters, Producer);
        var parameters = weights.Parameters.Select(p => new { name = p.Name, shape = p.Shape }).ToList();
        if (isJson)
        {
            JsonOutput.Write(new { run = weights.RunDirectory, file, format = extension[1..], parameters });
        }
        else
        {
            Console.WriteLine(file);
            foreach (var p in weights.Parameters)
            {
                Console.WriteLine($"  {p.Name} [{string.Join(", ", p.Shape)}]");
            }
        }

        return 0;
    }

    /// <summary>--out as given (a folder, existing or written with a trailing '/', receives model.EXT); without it,
    /// model.EXT in the run directory.</summary>
    private static string OutputFile(string? output, RunWeights weights, string extension)
    {
        var name = "model" + extension;
        if (output is null)
        {
            // A checkpoint's model.bin: the default beside it would add a file to the checkpoint, which is the
            // trainer's; and the run directory's model.EXT is the final weights' name.
            return Path.GetDirectoryName(weights.ModelPath) == weights.RunDirectory
                ? Path.Combine(weights.RunDirectory, name)
                : throw new AimcException($"{weights.ModelPath}: a checkpoint's weights; say where to write them with --out FILE{extension}");
        }

        var path = Path.GetFullPath(output);
        if (Directory.Exists(path) || Path.EndsInDirectorySeparator(output))
        {
            return Path.Combine(path, name);
        }

        // The extension says the format to every reader (np.load, safetensors, aimc train --init), so it must be this one.
        return Path.GetExtension(path).Equals(extension, StringComparison.OrdinalIgnoreCase)
            ? path
            : throw new AimcException($"--out {output}: a --{extension[1..]} export is named *{extension}; give a file name ending in {extension}, or a folder");
    }

    /// <summary>"aimc" and the version <c>aimc --version</c> prints: the writer recorded in a safetensors file's metadata.</summary>
    private static string Producer =>
        $"aimc {typeof(ExportCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown"}";
}
