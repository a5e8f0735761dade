using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using AimcHil.Core;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace AimcHil.Characterization.Plots;

/// <summary>The plots of a training run (its metrics.jsonl): loss, accuracies and programming pulses per epoch,
/// written as <c>DIRECTORY/training.loss.png</c>, <c>training.accuracy.png</c>, <c>training.pulses.png</c>.</summary>
public static class TrainingRunPlots
{
    /// <summary>The file a run directory keeps its per-epoch metrics in.</summary>
    public const string MetricsFile = "metrics.jsonl";

    /// <summary>The stem of the run plots' file names.</summary>
    public const string Stem = "training";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>Draws the plots of the run in <paramref name="runDirectory"/> into <paramref name="directory"/>
    /// (default: the run directory) and returns the files written.</summary>
    public static IReadOnlyList<string> Draw(string runDirectory, string? directory, PlotFormat format, PlotSize? size = null) =>
        Draw(Read(Path.Combine(runDirectory, MetricsFile)), directory ?? runDirectory, Stem, format, size);

    public static IReadOnlyList<string> Draw(IReadOnlyList<TrainingEpoch> epochs, string directory, string stem, PlotFormat format, PlotSize? size = null)
    {
        if (epochs.Count == 0)
        {
            throw new AimcException($"the training run in {directory} has finished no epoch yet: nothing to plot");
        }

        var files = new PlotFiles(directory, stem, format, size ?? PlotSize.Default);
        var xs = epochs.Select(e => (double)e.Epoch).ToArray();
        DrawLoss(epochs, xs, files);
        DrawAccuracy(epochs, xs, files);
        DrawPulses(epochs, xs, files);
        return files.Written;
    }

    /// <summary>Reads a metrics.jsonl, one JSON object per line (blank lines skipped).</summary>
    public static IReadOnlyList<TrainingEpoch> Read(string metricsPath)
    {
        if (!File.Exists(metricsPath))
        {
            throw new AimcException($"{metricsPath} does not exist: a training run directory holds one (aimc train --out)");
        }

        var epochs = new List<TrainingEpoch>();
        var lines = File.ReadAllLines(metricsPath);
        for (var n = 0; n < lines.Length; n++)
        {
            if (string.IsNullOrWhiteSpace(lines[n]))
            {
                continue;
            }

            try
            {
                epochs.Add(JsonSerializer.Deserialize<TrainingEpoch>(lines[n], Json) ?? throw new JsonException("null instead of an object"));
            }
            catch (JsonException e)
            {
                throw new AimcException($"{metricsPath} line {n + 1} is not an epoch's metrics: {e.Message}", e);
            }
        }

        return epochs;
    }

    private static Plot NewEpochPlot(string title, string yLabel)
    {
        var plot = PlotFiles.NewPlot(title, "epoch (count)", yLabel);
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        return plot;
    }

    private static void DrawLoss(IReadOnlyList<TrainingEpoch> epochs, double[] xs, PlotFiles files)
    {
        using var plot = NewEpochPlot("training loss", "training loss (softmax cross-entropy, nats per sample)");
        plot.Add.Scatter(xs, epochs.Select(e => e.TrainLoss).ToArray());
        files.Save(plot, "loss");
    }

    private static void DrawAccuracy(IReadOnlyList<TrainingEpoch> epochs, double[] xs, PlotFiles files)
    {
        using var plot = NewEpochPlot("accuracy", "accuracy (%)");
        var series = new (string Label, Func<TrainingEpoch, double?> Value)[]
        {
            ("train", e => e.TrainAccuracy),
            ("test, software", e => e.SoftwareTestAccuracy),
            ("test, chip", e => e.ChipTestAccuracy),
        };
        for (var s = 0; s < series.Length; s++)
        {
            var kept = Enumerable.Range(0, epochs.Count).Where(k => series[s].Value(epochs[k]) is not null).ToArray();
            if (kept.Length == 0)
            {
                continue;
            }

            var line = plot.Add.Scatter(kept.Select(k => xs[k]).ToArray(), kept.Select(k => 100 * series[s].Value(epochs[k])!.Value).ToArray(), plot.Add.Palette.GetColor(s));
            line.LegendText = series[s].Label;
        }

        plot.ShowLegend(Alignment.LowerRight);
        files.Save(plot, "accuracy");
    }

    /// <summary>Pulses spent in each epoch as bars (the file counts them cumulatively) and the running total on the
    /// right axis.</summary>
    private static void DrawPulses(IReadOnlyList<TrainingEpoch> epochs, double[] xs, PlotFiles files)
    {
        var last = epochs[^1];
        var title = string.Create(CultureInfo.InvariantCulture, $"programming: {last.ProgrammingPulses:N0} pulses, {last.Reprograms:N0} reprograms in {epochs.Count} epochs");
        using var plot = NewEpochPlot(title, "pulses in the epoch (count)");
        var perEpoch = epochs.Select((e, k) => (double)(e.ProgrammingPulses - (k == 0 ? 0 : epochs[k - 1].ProgrammingPulses))).ToArray();
        var bars = plot.Add.Bars(xs, perEpoch);
        bars.LegendText = "in the epoch (left axis)";
        var total = plot.Add.Scatter(xs, epochs.Select(e => (double)e.ProgrammingPulses).ToArray(), plot.Add.Palette.GetColor(1));
        total.Axes.YAxis = plot.Axes.Right;
        total.LegendText = "cumulative (right axis)";
        plot.Axes.Right.Label.Text = "cumulative pulses (count)";
        plot.Axes.Right.Label.FontSize = 13;
        // From zero on both axes, also when the run programmed nothing (software mode).
        plot.Axes.SetLimitsY(0, Math.Max(1, perEpoch.Max()) * 1.15, plot.Axes.Left);
        plot.Axes.SetLimitsY(0, Math.Max(1, last.ProgrammingPulses) * 1.15, plot.Axes.Right);
        plot.Axes.Left.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.Right.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(Alignment.UpperLeft);
        files.Save(plot, "pulses");
    }
}
