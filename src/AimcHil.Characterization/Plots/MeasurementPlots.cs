using AimcHil.Characterization.Datasets;
using AimcHil.Core;

namespace AimcHil.Characterization.Plots;

/// <summary>The plots of a characterization measurement, by procedure name, written as
/// <c>DIRECTORY/STEM.PLOT.png</c> (and/or <c>.svg</c>).</summary>
/// <remarks>Files per procedure: programming → achieved, sigma, pulses; read-noise → sigma; drift → states, nu;
/// transfer → curves, gain, offset, inl; ir-drop → rows, active-rows; stuck → tile0, tile1, … (one map per tile).</remarks>
public static class MeasurementPlots
{
    /// <summary>The procedures that have plots.</summary>
    public static IReadOnlyList<string> Procedures { get; } = ["stuck", "programming", "transfer", "ir-drop", "read-noise", "drift"];

    /// <summary>Draws the plots of <paramref name="procedure"/>'s points and returns the files written.</summary>
    public static IReadOnlyList<string> Draw(string procedure, ChipInfo chip, IReadOnlyList<DataPoint> points, string directory, string stem, PlotFormat format, PlotSize? size = null)
    {
        if (points.Count == 0)
        {
            throw new AimcException($"the {procedure} dataset holds no points yet: nothing to plot");
        }

        var files = new PlotFiles(directory, stem, format, size ?? PlotSize.Default);
        switch (procedure)
        {
            case "programming":
                ProgrammingPlots.Draw(points, files);
                break;
            case "read-noise":
                ReadNoisePlots.Draw(chip, points, files);
                break;
            case "drift":
                DriftPlots.Draw(chip, points, files);
                break;
            case "transfer":
                TransferPlots.Draw(chip, points, files);
                break;
            case "ir-drop":
                IrDropPlots.Draw(chip, points, files);
                break;
            case "stuck":
                StuckPlots.Draw(points, files);
                break;
            default:
                throw new AimcException($"no plots for a measurement named {procedure}: plots exist for {string.Join(", ", Procedures)}");
        }

        return files.Written;
    }

    /// <summary>Draws the plots of a dataset file into <paramref name="directory"/> (default: beside the dataset), named
    /// after the file (<c>drift.sqlite</c> → <c>drift.states.png</c>, …).</summary>
    public static IReadOnlyList<string> DrawDataset(string datasetPath, string? directory, PlotFormat format, PlotSize? size = null)
    {
        using var dataset = MeasurementDataset.Open(datasetPath);
        var points = dataset.Points().ToList();
        var outputDirectory = directory ?? Path.GetDirectoryName(Path.GetFullPath(datasetPath))!;
        return Draw(dataset.Header.Procedure, dataset.Header.Chip, points, outputDirectory, Path.GetFileNameWithoutExtension(datasetPath), format, size);
    }
}
