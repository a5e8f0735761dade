using AimcHil.Core;

namespace AimcHil.Characterization.Plots;

/// <summary>Plots whatever a path holds: a dataset file (<c>.sqlite</c>), a training run directory (with
/// metrics.jsonl), or a directory of datasets (each one's plots).</summary>
public static class PathPlots
{
    public const string DatasetExtension = ".sqlite";

    /// <summary>Draws the plots of <paramref name="path"/> into <paramref name="directory"/> (default: the dataset's
    /// or run's own directory) and returns the files written.</summary>
    public static IReadOnlyList<string> Draw(string path, string? directory, PlotFormat format, PlotSize? size = null)
    {
        if (File.Exists(path) && path.EndsWith(DatasetExtension, StringComparison.OrdinalIgnoreCase))
        {
            return MeasurementPlots.DrawDataset(path, directory, format, size);
        }

        if (Directory.Exists(path))
        {
            if (File.Exists(Path.Combine(path, TrainingRunPlots.MetricsFile)))
            {
                return TrainingRunPlots.Draw(path, directory, format, size);
            }

            var datasets = Directory.GetFiles(path, "*" + DatasetExtension).Order(StringComparer.Ordinal).ToArray();
            if (datasets.Length > 0)
            {
                return datasets.SelectMany(d => MeasurementPlots.DrawDataset(d, directory, format, size)).ToList();
            }
        }

        throw new AimcException($"{path} is neither a dataset nor a training run directory");
    }
}
