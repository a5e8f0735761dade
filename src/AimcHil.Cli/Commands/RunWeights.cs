using AimcHil.Core;
using AimcHil.Training.Interchange;
using AimcHil.Training.Layers;

namespace AimcHil.Cli.Commands;

/// <summary>A training run's final weights in its model's parameters, with PyTorch's names and shapes (a model.bin
/// keeps names and values but not shapes, so they come from the run's settings).</summary>
internal sealed record RunWeights(string RunDirectory, string ModelPath, IReadOnlyList<Parameter> Parameters)
{
    private const string ModelFile = "model.bin";

    // A model.bin sits in its run directory, or two levels down in a checkpoint generation (checkpoint/gNNNNNN/).
    private const int LevelsUpToTheRun = 2;

    /// <summary>Opens RUN: a run directory or a model.bin in one (also a checkpoint's).</summary>
    /// <exception cref="AimcException">Not a finished run, or its model.bin does not fit its settings.</exception>
    public static RunWeights Open(string run)
    {
        var path = Path.GetFullPath(run);
        const string Give = "give a training run's directory or its model.bin";
        string model;
        if (Directory.Exists(path))
        {
            model = Path.Combine(path, ModelFile);
            if (!File.Exists(model))
            {
                throw new AimcException(File.Exists(RunSettings.PathIn(path))
                    ? $"{path}: the run has no {ModelFile}: it has not ended (a killed run is continued with aimc train --resume {path}, which writes it)"
                    : $"{path}: not a training run (no settings.json, no {ModelFile}); {Give}");
            }
        }
        else if (File.Exists(path))
        {
            model = path;
            if (StateDictFormatOrNull(model) != StateDictFormat.ModelBin)
            {
                throw new AimcException($"{path}: not a training run's {ModelFile}; {Give} (a dataset exports with --csv or --npy)");
            }
        }
        else
        {
            throw new AimcException($"{path}: no such run directory or file; {Give}");
        }

        var directory = RunDirectoryOf(model)
            ?? throw new AimcException($"{model}: no run's settings.json beside it or above it, so the model's shapes are unknown; export it from its run directory");
        var parameters = RunModel.Parameters(RunSettings.Load(directory, "the model's shapes are unknown without them, so its weights cannot be exported: restore the run directory from a copy"));
        ModelState.Load(model, parameters);
        return new RunWeights(directory, model, parameters);
    }

    private static StateDictFormat? StateDictFormatOrNull(string path)
    {
        try
        {
            return StateDict.FormatOf(path);
        }
        catch (AimcException)
        {
            return null;
        }
    }

    private static string? RunDirectoryOf(string model)
    {
        var directory = Path.GetDirectoryName(model);
        for (var level = 0; level <= LevelsUpToTheRun && directory is not null; level++)
        {
            if (File.Exists(RunSettings.PathIn(directory)))
            {
                return directory;
            }

            directory = Path.GetDirectoryName(directory);
        }

        return null;
    }
}
