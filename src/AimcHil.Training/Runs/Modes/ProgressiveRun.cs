using AimcHil.Core;
using AimcHil.Training.Analog;
using AimcHil.Training.Data;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Runs.Modes;

/// <summary><see cref="TrainingMode.Progressive"/> (NeuRRAM): a schedule of one stage per analog layer that has
/// trainable layers after it; each stage programs its layer, pushes the training set through everything programmed so
/// far on the chip, and fine-tunes the later layers in software on those measured activations.</summary>
internal sealed class ProgressiveRun(RunContext run) : TrainingModeRun(run)
{
    /// <summary>Examples per forward call when pushing the training set through a layer.</summary>
    private const int ForwardChunk = 256;

    /// <summary>Its stages are built from the chip's measurements of the training set, which a checkpoint does not hold.</summary>
    public override bool Resumable => false;

    /// <summary>A stop after any epoch ends a progressive run as interrupted, without the final chip evaluation, even
    /// after its last epoch: the behaviour progressive runs have always had (counting its stages ahead would let a stop
    /// in the last epoch finish instead).</summary>
    public override bool EpochsRemain(RunState state) => true;

    public override void Prepare() => Network.SetPath(ForwardPath.Software);

    /// <summary>The input ranges are set once, before the first layer is programmed: a layer on the chip keeps the
    /// range it was programmed with.</summary>
    public override IEnumerable<TrainingStage> Stages(RunState state)
    {
        CalibrateInputRanges();
        ReseedChip("chip/progressive");
        var layers = Network.Model.Layers;
        var measured = Run.Train.Features;
        for (var n = 0; n < layers.Count; n++)
        {
            var layer = layers[n];
            if (layer is IAnalogLayer analog)
            {
                state.Pulses += analog.Crossbar.Program(Chip, Options.Programming);
                state.Reprograms++;
                analog.Crossbar.Path = ForwardPath.Chip;
            }

            measured = ForwardAll(layer, measured);
            var tail = new Sequential(layers.Skip(n + 1));
            if (layer is not IAnalogLayer || tail.Parameters.Count == 0)
            {
                continue;
            }

            var stage = n;
            yield return new TrainingStage(new Dataset(measured, Run.Train.Labels, Run.Train.Classes), tail, 0, Options.Epochs, epoch => $"shuffle/progressive/{stage}/{epoch}");
        }
    }

    /// <summary>The input ranges stay as the layers were programmed with them.</summary>
    public override void BeginEpoch(int epoch, RunState state)
    {
    }

    /// <summary>A step of the later layers alone, in software, on the measured activations; not counted in the run's
    /// steps, which are the clock of hil's reprogram policy (progressive checkpoints have never counted them).</summary>
    public override (double Loss, double Accuracy) Step(TrainingStage stage, Grid<float> x, int[] y, RunState state) =>
        TrainBatch(stage, x, y);

    /// <summary>The run's training seconds so far: the stages' programming and measuring belong to no one epoch.</summary>
    public override double EpochSeconds(double epochSeconds, RunState state) => state.TrainSeconds;

    public override double? FinalChipAccuracy(RunState state) => ChipAccuracy();

    /// <summary>One layer applied to a whole dataset's features in chunks (on the chip when the layer is programmed).</summary>
    private static Grid<float> ForwardAll(ILayer layer, Grid<float> features)
    {
        Grid<float>? result = null;
        for (var start = 0; start < features.Rows; start += ForwardChunk)
        {
            var n = Math.Min(ForwardChunk, features.Rows - start);
            var chunk = new Grid<float>(n, features.Cols, features.Data.AsSpan(start * features.Cols, n * features.Cols).ToArray());
            var output = layer.Forward(chunk, training: false);
            result ??= new Grid<float>(features.Rows, output.Cols);
            output.Data.CopyTo(result.Data, start * output.Cols);
        }

        return result ?? new Grid<float>(0, features.Cols);
    }
}
