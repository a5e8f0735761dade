using System.Diagnostics;
using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Analog;
using AimcHil.Training.Data;
using AimcHil.Training.Interchange;
using AimcHil.Training.Layers;
using AimcHil.Training.Optimizers;
using AimcHil.Training.Runs.Modes;

namespace AimcHil.Training.Runs;

/// <summary>Runs one training: the mode's forward paths, mini-batches in a seeded order, reprogramming by policy,
/// evaluation in software and on the chip, metrics and a checkpoint after every epoch, a clean stop on request.</summary>
/// <remarks>
/// Reproducibility: batch order, initialization and noise draws come from streams named by the seed, and at the start
/// of every epoch an emulated chip's noise streams are reseeded and the chip reprogrammed from the shadow weights.
/// So a run resumed from an epoch checkpoint ends exactly as an uninterrupted one.
/// </remarks>
public sealed class Trainer
{
    private readonly TrainingOptions _options;
    private readonly IAimcChip? _chip;
    private readonly DigitalTwin? _twin;
    private readonly string _modelName;
    private readonly TrainingModeRun _mode;
    private int _checkpointsWritten;

    /// <summary>A run of the built-in model <see cref="TrainingOptions.Model"/>.</summary>
    public Trainer(TrainingOptions options, Dataset train, Dataset test, IAimcChip? chip)
        : this(options, train, test, chip, BuiltIn(options, train), options.Model)
    {
    }

    /// <summary>A run of a model of the caller's own (any <see cref="Sequential"/> of our layers, bound to the data's
    /// example shape); its Linear and Conv2d layers are mapped onto <paramref name="chip"/>'s tiles, and it trains in
    /// place, so the caller's model holds the weights afterwards. <see cref="TrainingOptions.Model"/> and
    /// <see cref="TrainingOptions.Layers"/> are not used.</summary>
    public Trainer(TrainingOptions options, Dataset train, Dataset test, IAimcChip? chip, Sequential model)
        : this(options, train, test, chip, model, "custom")
    {
    }

    /// <summary><paramref name="modelName"/> is what the summary reports: a built-in model's name, or "custom".</summary>
    private Trainer(TrainingOptions options, Dataset train, Dataset test, IAimcChip? chip, Sequential model, string modelName)
    {
        if (options.NeedsChip && chip is null)
        {
            throw new AimcException($"mode {SnakeCase.Of(options.Mode)} needs a chip: give --rig");
        }

        options.Validate();
        CheckFits(model, train);
        _options = options;
        _modelName = modelName;
        var limitedTrain = options.TrainLimit > 0 ? train.Take(Math.Min(options.TrainLimit, train.Count)) : train;
        var limitedTest = options.TestLimit > 0 ? test.Take(Math.Min(options.TestLimit, test.Count)) : test;
        _chip = chip;
        _twin = OpenTwin(options, chip);
        Network = AnalogNetwork.Map(model, chip?.Info ?? AnalogNetwork.UnboundedChip(model));
        Optimizer = TrainingChoices.Optimizer(options.Optimizer, options.LearningRate);
        _mode = TrainingModeRun.For(new RunContext(options, limitedTrain, limitedTest, chip, _twin, Network, Optimizer));
    }

    public AnalogNetwork Network { get; }

    public IOptimizer Optimizer { get; }

    /// <summary>Trains without checkpoints or a stop request: the call a script makes.</summary>
    public TrainingSummary Run(IProgress<TrainingProgress>? progress = null, Action<EpochMetrics>? epochDone = null) =>
        Run(null, false, false, progress, epochDone, CancellationToken.None);

    /// <summary>Loads starting weights, to fine-tune from them: a previous run's model.bin, or a PyTorch state_dict
    /// (.safetensors, .npz) with the network's parameter names and shapes, by the file's extension.</summary>
    public void InitializeFrom(string modelPath) => StateDict.Load(modelPath, Network.Parameters);

    /// <summary>Trains. <paramref name="checkpointDirectory"/> receives a checkpoint after every epoch and on a
    /// stop; <paramref name="resume"/> continues from the checkpoint there.</summary>
    /// <remarks>The one epoch loop of every mode: the mode (<see cref="TrainingModeRun"/>) prepares the network, lays
    /// out the stages, starts each epoch, makes each step and evaluates at the end; the loop orders the batches,
    /// keeps the sums and counters, reports progress and metrics, checkpoints and stops.</remarks>
    public TrainingSummary Run(
        string? checkpointDirectory,
        bool resume,
        bool initialized,
        IProgress<TrainingProgress>? progress,
        Action<EpochMetrics>? epochDone,
        CancellationToken stop)
    {
        var state = new RunState();
        if (resume)
        {
            var checkpoint = TrainingCheckpoint.Load(checkpointDirectory ?? throw new AimcException("--resume needs the run's directory"), Network.Parameters, Optimizer);
            state = RunState.From(checkpoint);
            if (_chip?.Clock is { IsVirtual: true } clock && clock.Seconds < checkpoint.ChipClockSeconds)
            {
                clock.Advance(checkpoint.ChipClockSeconds - clock.Seconds);
            }
        }
        else if (initialized)
        {
            state.InitSoftwareTestAccuracy = _mode.SoftwareAccuracy();
        }

        _mode.Prepare();
        if (resume && !_mode.Resumable)
        {
            throw new AimcException($"{SnakeCase.Of(_options.Mode)} runs cannot be resumed yet: start the run again (its stages are short)");
        }

        var watch = new Stopwatch();
        using var stages = _mode.Stages(state).GetEnumerator();
        while (true)
        {
            // A stage's preparation (progressive: programming a layer, measuring the training set) is training time.
            watch.Restart();
            var more = stages.MoveNext();
            state.TrainSeconds += watch.Elapsed.TotalSeconds;
            if (!more)
            {
                break;
            }

            var stage = stages.Current;
            for (var epoch = stage.FirstEpoch; epoch < stage.EndEpoch; epoch++)
            {
                watch.Restart();
                _mode.BeginEpoch(epoch, state);
                var data = stage.Data;
                var order = DatasetSlicing.Permutation(data.Count, SeededRandom.For(_options.Seed, stage.ShuffleStream(epoch)));
                var batches = (data.Count + _options.BatchSize - 1) / _options.BatchSize;
                // A resumed epoch continues the sums of the batches trained before the stop.
                double lossSum = state.Partial.LossSum, correct = state.Partial.CorrectSum;
                var seen = state.Partial.Seen;
                var earlierSeconds = state.Partial.Seconds;
                var batch = 0;
                foreach (var (x, y) in data.Batches(_options.BatchSize, order))
                {
                    if (batch++ < state.Batch)
                    {
                        continue;
                    }

                    var (loss, accuracy) = _mode.Step(stage, x, y, state);
                    lossSum += loss * y.Length;
                    correct += accuracy * y.Length;
                    seen += y.Length;
                    state.Samples += y.Length;
                    progress?.Report(new TrainingProgress(epoch + 1, _options.Epochs, batch, batches, loss, accuracy, state.Pulses));
                    PausePoint.Reach($"batch/{epoch + 1}/{batch}", stop);
                    if (stop.IsCancellationRequested && batch < batches && _mode.Resumable)
                    {
                        state.Batch = batch;
                        state.TrainSeconds += watch.Elapsed.TotalSeconds;
                        state.Partial = new EpochSums { LossSum = lossSum, CorrectSum = correct, Seen = seen, Seconds = earlierSeconds + watch.Elapsed.TotalSeconds };
                        Checkpoint(checkpointDirectory, state, stop);
                        return Summary(state, interrupted: true, chipAccuracy: null, finalLoss: seen == 0 ? double.NaN : lossSum / seen);
                    }
                }

                state.TrainSeconds += watch.Elapsed.TotalSeconds;
                state.Batch = 0;
                state.Partial = new EpochSums();
                state.Epoch++;
                var metrics = new EpochMetrics
                {
                    Epoch = state.Epoch,
                    TrainLoss = seen == 0 ? double.NaN : lossSum / seen,
                    TrainAccuracy = seen == 0 ? double.NaN : correct / seen,
                    SoftwareTestAccuracy = _mode.SoftwareAccuracy(),
                    ChipTestAccuracy = _mode.EpochChipAccuracy(),
                    ProgrammingPulses = state.Pulses,
                    Reprograms = state.Reprograms,
                    Seconds = _mode.EpochSeconds(earlierSeconds + watch.Elapsed.TotalSeconds, state),
                };
                state.Metrics.Add(metrics);
                Checkpoint(checkpointDirectory, state, stop);
                epochDone?.Invoke(metrics);
                if (stop.IsCancellationRequested && _mode.EpochsRemain(state))
                {
                    return Summary(state, interrupted: true, chipAccuracy: null, finalLoss: metrics.TrainLoss);
                }
            }
        }

        var chipAccuracy = _mode.FinalChipAccuracy(state);
        return Summary(state, interrupted: false, chipAccuracy, state.Metrics.Count > 0 ? state.Metrics[^1].TrainLoss : double.NaN);
    }

    /// <summary>The run's digital twin, after checking that the run uses one exactly when one is given: a twin that
    /// is silently ignored would leave a user believing the run trained through it.</summary>
    private static DigitalTwin? OpenTwin(TrainingOptions options, IAimcChip? chip)
    {
        var hil = options.Mode == TrainingMode.Hil;
        if (hil)
        {
            TrainingChoices.CheckBackwardModel(options.BackwardModel);
        }

        var calibrated = hil && options.BackwardModel == "calibrated";
        if (calibrated && options.TwinPath is null)
        {
            throw new AimcException("--backward-model calibrated needs --twin TWIN.yaml, the digital twin `aimc calibrate` wrote");
        }

        if (options.TwinPath is not { } path)
        {
            return null;
        }

        if (!calibrated && options.Mode != TrainingMode.Physical)
        {
            var run = hil ? $"mode hil, backward model {options.BackwardModel}" : $"mode {SnakeCase.Of(options.Mode)}";
            throw new AimcException($"--twin is the model of --mode physical and of --mode hil --backward-model calibrated; this run ({run}) would not use it");
        }

        // Both modes that use a twin need a chip, checked before.
        return DigitalTwin.Open(path, chip!.Info);
    }

    private static Sequential BuiltIn(TrainingOptions options, Dataset train)
    {
        // Validate first: it refuses layer sizes that would not fit in memory before the model allocates them.
        options.Validate();
        return BuiltInModel.Create(options.Model, options.Layers, train.Features.Cols, train.Classes, SeededRandom.For(options.Seed, "init"));
    }

    /// <summary>Refuses a model that does not take the data's examples or does not give one logit per class, by
    /// passing one example through it in software.</summary>
    private static void CheckFits(Sequential model, Dataset train)
    {
        if (train.Count == 0)
        {
            return;
        }

        Grid<float> logits;
        try
        {
            logits = model.Forward(train.Take(1).Features, training: false);
        }
        catch (ArgumentException e)
        {
            throw new AimcException($"the model does not take the data's examples ({train.Features.Cols} values each): {e.Message}", e);
        }

        if (logits.Cols != train.Classes)
        {
            throw new AimcException($"the model gives {logits.Cols} outputs per example, the data has {train.Classes} classes");
        }
    }

    private void Checkpoint(string? directory, RunState state, CancellationToken stop)
    {
        if (directory is null)
        {
            return;
        }

        var number = ++_checkpointsWritten;
        new TrainingCheckpoint
        {
            Epoch = state.Epoch,
            Batch = state.Batch,
            Steps = state.Steps,
            Partial = state.Partial,
            ProgrammingPulses = state.Pulses,
            Reprograms = state.Reprograms,
            ChipClockSeconds = _chip?.Clock.Seconds ?? 0,
            TrainSeconds = state.TrainSeconds,
            Samples = state.Samples,
            InitSoftwareTestAccuracy = state.InitSoftwareTestAccuracy,
            Metrics = state.Metrics,
            Optimizer = Optimizer.State().ToDictionary(kv => kv.Key, kv => kv.Value),
        }.Save(directory, Network.Parameters, stage => PausePoint.Reach($"checkpoint/{number}/{stage}", stop));
    }

    private TrainingSummary Summary(RunState state, bool interrupted, double? chipAccuracy, double finalLoss) => new()
    {
        Mode = _options.Mode,
        Model = _modelName,
        MvmsPerSample = Network.MvmsPerSample,
        SoftwareTestAccuracy = _mode.SoftwareAccuracy(),
        ChipTestAccuracy = chipAccuracy,
        InitSoftwareTestAccuracy = state.InitSoftwareTestAccuracy,
        Epochs = state.Epoch,
        ProgrammingPulses = state.Pulses,
        Reprograms = state.Reprograms,
        TrainSeconds = state.TrainSeconds,
        SamplesPerSecond = state.TrainSeconds > 0 ? state.Samples / state.TrainSeconds : 0,
        FinalTrainLoss = double.IsFinite(finalLoss) ? finalLoss : null,
        Seed = _options.Seed,
        Interrupted = interrupted,
        Twin = _twin?.Path,
        LinkRetries = (_chip as ILinkedChip)?.Link.Retries,
        LinkDroppedFrames = (_chip as ILinkedChip)?.Link.DroppedFrames,
        RigResets = (_chip as ILinkedChip)?.Link.RigResets,
        TilesReprogrammedAfterReset = (_chip as ILinkedChip)?.Link.TilesReprogrammed,
    };
}
