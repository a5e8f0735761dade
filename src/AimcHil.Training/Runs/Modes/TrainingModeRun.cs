using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Numerics;
using AimcHil.Training.Analog;
using AimcHil.Training.Data;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Runs.Modes;

/// <summary>One <see cref="TrainingMode"/> as the trainer's single epoch loop drives it: what the mode sets up before
/// the first epoch, its schedule of stages, what starts an epoch, its step, the chip accuracy an epoch reports and its
/// final evaluation (docs/architecture.md §3).</summary>
internal abstract class TrainingModeRun(RunContext run)
{
    /// <summary>Examples whose activations set the analog layers' input ranges.</summary>
    private const int CalibrationExamples = 1000;

    protected RunContext Run { get; } = run;

    protected TrainingOptions Options => Run.Options;

    protected AnalogNetwork Network => Run.Network;

    /// <summary>The chip; every mode that calls this needs one, which the trainer checked.</summary>
    protected IAimcChip Chip => Run.Chip ?? throw new InvalidOperationException($"mode {SnakeCase.Of(Options.Mode)} runs without a chip");

    /// <summary>Whether a stop may end this mode's run mid-epoch, with a checkpoint the run resumes from.</summary>
    public virtual bool Resumable => true;

    /// <summary>Whether a stop after the epoch <paramref name="state"/> has just finished leaves epochs untrained, so
    /// the run ends as interrupted rather than with its final evaluation.</summary>
    public virtual bool EpochsRemain(RunState state) => state.Epoch < Options.Epochs;

    /// <summary>The mode for <see cref="TrainingOptions.Mode"/>.</summary>
    public static TrainingModeRun For(RunContext run) => run.Options.Mode switch
    {
        TrainingMode.Software => new SoftwareRun(run),
        TrainingMode.Naive => new NaiveRun(run),
        TrainingMode.Noise => new NoiseRun(run),
        TrainingMode.Physical => new PhysicalRun(run),
        TrainingMode.Hil => new HilRun(run),
        TrainingMode.Progressive => new ProgressiveRun(run),
        _ => throw new ArgumentOutOfRangeException(nameof(run), run.Options.Mode, "no such training mode"),
    };

    /// <summary>Sets the analog layers' forward paths and gives them the models the mode trains through; before the
    /// first epoch.</summary>
    public abstract void Prepare();

    /// <summary>The run's stages, from where <paramref name="state"/> stands: one over the training set for every
    /// mode but progressive. A stage's own preparation runs as the loop asks for it, so it counts as training time.</summary>
    public virtual IEnumerable<TrainingStage> Stages(RunState state) =>
        [new TrainingStage(Run.Train, Network.Model, state.Epoch, Options.Epochs, epoch => $"shuffle/{epoch}")];

    /// <summary>What starts an epoch: the input ranges recalibrated on the current weights.</summary>
    public virtual void BeginEpoch(int epoch, RunState state) => CalibrateInputRanges();

    /// <summary>One mini-batch of the stage's model, counted in the run's steps.</summary>
    public virtual (double Loss, double Accuracy) Step(TrainingStage stage, Grid<float> x, int[] y, RunState state)
    {
        var result = TrainBatch(stage, x, y);
        state.Steps++;
        return result;
    }

    /// <summary>The chip's test accuracy an epoch's metrics report: none unless the mode trains on the chip.</summary>
    public virtual double? EpochChipAccuracy() => null;

    /// <summary>The seconds an epoch's metrics report: that epoch's own.</summary>
    public virtual double EpochSeconds(double epochSeconds, RunState state) => epochSeconds;

    /// <summary>The chip's test accuracy the summary reports, after the last epoch; null when the mode has no chip.</summary>
    public abstract double? FinalChipAccuracy(RunState state);

    /// <summary>Forward, loss, backward to the parameters, an optimizer step, on the stage's model.</summary>
    protected (double Loss, double Accuracy) TrainBatch(TrainingStage stage, Grid<float> x, int[] y)
    {
        stage.Model.ZeroGradients();
        var logits = stage.Model.Forward(x, training: true);
        var (loss, gradient) = SoftmaxCrossEntropy.Evaluate(logits, y);
        // The model's inputs need no gradient (images, or activations measured on the chip): the first layer stops
        // at its parameters.
        stage.Model.BackwardToParameters(gradient);
        Run.Optimizer.Step(stage.Model.Parameters);
        return (loss, SoftmaxCrossEntropy.Accuracy(logits, y));
    }

    /// <summary>The test accuracy with every analog layer computed in software.</summary>
    public double SoftwareAccuracy() => WithPath(ForwardPath.Software, () => Network.Accuracy(Run.Test));

    /// <summary>The test accuracy measured on the chip.</summary>
    protected double ChipAccuracy() => WithPath(ForwardPath.Chip, () => Network.Accuracy(Run.Test));

    /// <summary>Sets the analog layers' input ranges from the first training examples' activations.</summary>
    protected void CalibrateInputRanges() =>
        Network.CalibrateInputRanges(Run.Train.Take(Math.Min(CalibrationExamples, Run.Train.Count)).Features, Options.InputRangeQuantile);

    /// <summary>Restarts an emulated chip's noise streams from the run's seed and <paramref name="stream"/>, so what
    /// follows depends only on the seed and the weights.</summary>
    protected void ReseedChip(string stream)
    {
        if (Run.Chip is IReseedableChip { CanReseed: true } reseedable)
        {
            reseedable.Reseed(SeededRandom.For(Options.Seed, stream).NextUInt64());
        }
    }

    /// <summary>Programs the whole network onto the chip, counting the pulses and the reprogram.</summary>
    protected void ProgramChip(RunState state)
    {
        state.Pulses += Network.Program(Chip, Options.Programming);
        state.Reprograms++;
    }

    /// <summary>Deploys the trained weights once, as they would be on the bench, and measures them on the chip: the
    /// final evaluation of the modes that train off the chip.</summary>
    protected double Deploy(RunState state)
    {
        CalibrateInputRanges();
        ReseedChip("chip/deploy");
        ProgramChip(state);
        return ChipAccuracy();
    }

    /// <summary>The model of the chip: the run's calibrated twin, else the chip itself when it can model itself (an
    /// emulator); null for a chip known only by its measurements.</summary>
    protected IChipModel? ChipModel() => (IChipModel?)Run.Twin ?? Run.Chip as IChipModel;

    /// <summary>The differentiable physics of the chip's model, refusing a chip without one in the words of
    /// <paramref name="what"/> and the alternative <paramref name="withTwin"/>.</summary>
    protected CrossbarPhysics Physics(string what, string withTwin)
    {
        // A calibrated twin is this chip as measured, and it built its physics when it was opened; without one, the
        // chip's own design is the best model.
        if (Run.Twin is { } twin)
        {
            return twin.Physics;
        }

        var model = ChipModel()
            ?? throw new AimcException($"{what} differentiates the design of an emulated chip: use an emulator rig, or {withTwin} (the digital twin `aimc calibrate` wrote)");
        return new CrossbarPhysics(model.Preset);
    }

    private double WithPath(ForwardPath path, Func<double> evaluate)
    {
        var previous = Network.Analog.Select(a => a.Path).ToArray();
        Network.SetPath(path);
        try
        {
            return evaluate();
        }
        finally
        {
            for (var k = 0; k < previous.Length; k++)
            {
                Network.Analog[k].Path = previous[k];
            }
        }
    }
}
