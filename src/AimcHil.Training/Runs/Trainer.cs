using System.Diagnostics;
using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Numerics;
using AimcHil.Training.Analog;
using AimcHil.Training.Data;
using AimcHil.Training.Interchange;
using AimcHil.Training.Layers;
using AimcHil.Training.Optimizers;

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
    private const int CalibrationExamples = 1000;
    private readonly TrainingOptions _options;
    private readonly Dataset _train;
    private readonly Dataset _test;
    private readonly IAimcChip? _chip;
    private readonly DigitalTwin? _twin;
    private readonly string _modelName;
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
        _train = options.TrainLimit > 0 ? train.Take(Math.Min(options.TrainLimit, train.Count)) : train;
        _test = options.TestLimit > 0 ? test.Take(Math.Min(options.TestLimit, test.Count)) : test;
        _chip = chip;
        _twin = OpenTwin(options, chip);
        Network = AnalogNetwork.Map(model, chip?.Info ?? AnalogNetwork.UnboundedChip(model));
        Optimizer = TrainingChoices.Optimizer(options.Optimizer, options.LearningRate);
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
            state.InitSoftwareTestAccuracy = SoftwareAccuracy(_test);
        }

        PrepareMode();
        if (_options.Mode == TrainingMode.Progressive)
        {
            if (resume)
            {
                throw new AimcException("progressive runs cannot be resumed yet: start the run again (its stages are short)");
            }

            return RunProgressive(state, checkpointDirectory, progress, epochDone, stop);
        }

        var watch = new Stopwatch();
        for (var epoch = state.Epoch; epoch < _options.Epochs; epoch++)
        {
            watch.Restart();
            BeginEpoch(epoch, state);
            var order = DatasetSlicing.Permutation(_train.Count, SeededRandom.For(_options.Seed, $"shuffle/{epoch}"));
            var batches = (_train.Count + _options.BatchSize - 1) / _options.BatchSize;
            // A resumed epoch continues the sums of the batches trained before the stop.
            double lossSum = state.Partial.LossSum, correct = state.Partial.CorrectSum;
            var seen = state.Partial.Seen;
            var earlierSeconds = state.Partial.Seconds;
            var batch = 0;
            foreach (var (x, y) in _train.Batches(_options.BatchSize, order))
            {
                if (batch++ < state.Batch)
                {
                    continue;
                }

                var (loss, accuracy) = Step(x, y, state);
                lossSum += loss * y.Length;
                correct += accuracy * y.Length;
                seen += y.Length;
                state.Samples += y.Length;
                progress?.Report(new TrainingProgress(epoch + 1, _options.Epochs, batch, batches, loss, accuracy, state.Pulses));
                PausePoint.Reach($"batch/{epoch + 1}/{batch}", stop);
                if (stop.IsCancellationRequested && batch < batches)
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
            state.Epoch = epoch + 1;
            var metrics = new EpochMetrics
            {
                Epoch = epoch + 1,
                TrainLoss = seen == 0 ? double.NaN : lossSum / seen,
                TrainAccuracy = seen == 0 ? double.NaN : correct / seen,
                SoftwareTestAccuracy = SoftwareAccuracy(_test),
                ChipTestAccuracy = _options.Mode == TrainingMode.Hil ? ChipAccuracy(_test) : null,
                ProgrammingPulses = state.Pulses,
                Reprograms = state.Reprograms,
                Seconds = earlierSeconds + watch.Elapsed.TotalSeconds,
            };
            state.Metrics.Add(metrics);
            Checkpoint(checkpointDirectory, state, stop);
            epochDone?.Invoke(metrics);
            if (stop.IsCancellationRequested && state.Epoch < _options.Epochs)
            {
                return Summary(state, interrupted: true, chipAccuracy: null, finalLoss: metrics.TrainLoss);
            }
        }

        var chipAccuracy = FinalChipAccuracy(state);
        return Summary(state, interrupted: false, chipAccuracy, state.Metrics.Count > 0 ? state.Metrics[^1].TrainLoss : double.NaN);
    }

    /// <summary>Progressive fine-tuning: for each layer in turn, program it, push the training set through everything
    /// programmed so far on the chip, and fine-tune the layers after it in software on those measured activations.</summary>
    private TrainingSummary RunProgressive(RunState state, string? checkpointDirectory, IProgress<TrainingProgress>? progress, Action<EpochMetrics>? epochDone, CancellationToken stop)
    {
        var watch = Stopwatch.StartNew();
        Network.CalibrateInputRanges(_train.Take(Math.Min(CalibrationExamples, _train.Count)).Features, _options.InputRangeQuantile);
        if (_chip is IReseedableChip { CanReseed: true } reseedable)
        {
            reseedable.Reseed(SeededRandom.For(_options.Seed, "chip/progressive").NextUInt64());
        }

        var layers = Network.Model.Layers;
        var measured = _train.Features;
        var done = 0;
        double lastLoss = double.NaN;
        for (var n = 0; n < layers.Count; n++)
        {
            var layer = layers[n];
            if (layer is IAnalogLayer analog)
            {
                state.Pulses += analog.Crossbar.Program(_chip!, _options.Programming);
                state.Reprograms++;
                analog.Crossbar.Path = ForwardPath.Chip;
            }

            measured = ForwardAll(layer, measured);
            done = n + 1;
            var tail = new Sequential(layers.Skip(done));
            if (layer is not IAnalogLayer || tail.Parameters.Count == 0)
            {
                continue;
            }

            var tailData = new Dataset(measured, _train.Labels, _train.Classes);
            for (var epoch = 0; epoch < _options.Epochs; epoch++)
            {
                var order = DatasetSlicing.Permutation(tailData.Count, SeededRandom.For(_options.Seed, $"shuffle/progressive/{n}/{epoch}"));
                double lossSum = 0, correct = 0;
                var batches = (tailData.Count + _options.BatchSize - 1) / _options.BatchSize;
                var batch = 0;
                foreach (var (x, y) in tailData.Batches(_options.BatchSize, order))
                {
                    tail.ZeroGradients();
                    var logits = tail.Forward(x, training: true);
                    var (loss, gradient) = SoftmaxCrossEntropy.Evaluate(logits, y);
                    tail.Backward(gradient);
                    Optimizer.Step(tail.Parameters);
                    var accuracy = SoftmaxCrossEntropy.Accuracy(logits, y);
                    lossSum += loss * y.Length;
                    correct += accuracy * y.Length;
                    state.Samples += y.Length;
                    progress?.Report(new TrainingProgress(epoch + 1, _options.Epochs, ++batch, batches, loss, accuracy, state.Pulses));
                }

                lastLoss = lossSum / tailData.Count;
                state.Epoch++;
                var metrics = new EpochMetrics
                {
                    Epoch = state.Epoch,
                    TrainLoss = lastLoss,
                    TrainAccuracy = correct / tailData.Count,
                    SoftwareTestAccuracy = SoftwareAccuracy(_test),
                    ChipTestAccuracy = null,
                    ProgrammingPulses = state.Pulses,
                    Reprograms = state.Reprograms,
                    Seconds = watch.Elapsed.TotalSeconds,
                };
                state.Metrics.Add(metrics);
                state.TrainSeconds = watch.Elapsed.TotalSeconds;
                Checkpoint(checkpointDirectory, state, stop);
                epochDone?.Invoke(metrics);
                if (stop.IsCancellationRequested)
                {
                    return Summary(state, interrupted: true, chipAccuracy: null, finalLoss: lastLoss);
                }
            }
        }

        state.TrainSeconds = watch.Elapsed.TotalSeconds;
        return Summary(state, interrupted: false, ChipAccuracy(_test), lastLoss);
    }

    /// <summary>One layer applied to a whole dataset's features in batches (on the chip when the layer is programmed).</summary>
    private static Grid<float> ForwardAll(ILayer layer, Grid<float> features)
    {
        const int Chunk = 256;
        Grid<float>? result = null;
        for (var start = 0; start < features.Rows; start += Chunk)
        {
            var n = Math.Min(Chunk, features.Rows - start);
            var chunk = new Grid<float>(n, features.Cols, features.Data.AsSpan(start * features.Cols, n * features.Cols).ToArray());
            var output = layer.Forward(chunk, training: false);
            result ??= new Grid<float>(features.Rows, output.Cols);
            output.Data.CopyTo(result.Data, start * output.Cols);
        }

        return result ?? new Grid<float>(0, features.Cols);
    }

    private void PrepareMode()
    {
        switch (_options.Mode)
        {
            case TrainingMode.Noise:
                if (_chip is not EmulatedChip twin)
                {
                    throw new AimcException("mode noise samples the device model of an emulated chip: use an emulator rig");
                }

                Network.UseNoiseModel(twin, _options.Seed);
                Network.SetPath(ForwardPath.NoisyModel);
                break;
            case TrainingMode.Physical:
                // A calibrated twin is this chip as measured; without one, the chip's own design is the best model.
                Network.UsePhysics(_twin?.Physics ?? new CrossbarPhysics(Design("mode physical", "give --twin TWIN.yaml").Preset));
                Network.SetPath(ForwardPath.PhysicalModel);
                break;
            case TrainingMode.Hil:
                Network.SetPath(ForwardPath.Chip);
                var backward = _options.BackwardModel switch
                {
                    "physical" => new CrossbarPhysics(Design("the physical backward model", "use --backward-model calibrated with --twin TWIN.yaml").Preset),
                    "calibrated" => _twin!.Physics,
                    _ => null,
                };
                if (backward is not null)
                {
                    Network.UsePhysics(backward);
                    foreach (var layer in Network.Analog)
                    {
                        layer.PhysicalBackward = true;
                    }
                }

                break;
            default:
                Network.SetPath(ForwardPath.Software);
                break;
        }
    }

    /// <summary>The emulated chip whose design a model is taken from (only emulator rigs carry their design).</summary>
    private EmulatedChip Design(string what, string withTwin) => _chip as EmulatedChip
        ?? throw new AimcException($"{what} differentiates the design of an emulated chip: use an emulator rig, or {withTwin} (the digital twin `aimc calibrate` wrote)");

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

    /// <summary>Reseeds an emulated chip and rewrites it, so what follows depends only on the epoch and the weights.</summary>
    private void BeginEpoch(int epoch, RunState state)
    {
        Network.CalibrateInputRanges(_train.Take(Math.Min(CalibrationExamples, _train.Count)).Features, _options.InputRangeQuantile);
        if (_options.Mode != TrainingMode.Hil || _chip is null)
        {
            return;
        }

        if (_chip is IReseedableChip { CanReseed: true } reseedable)
        {
            reseedable.Reseed(SeededRandom.For(_options.Seed, $"chip/{epoch}").NextUInt64());
        }

        ProgramChip(state);
    }

    private (double Loss, double Accuracy) Step(Grid<float> x, int[] y, RunState state)
    {
        Network.Model.ZeroGradients();
        var logits = Network.Model.Forward(x, training: true);
        var (loss, gradient) = SoftmaxCrossEntropy.Evaluate(logits, y);
        // The images need no gradient: the first layer stops at its parameters.
        Network.Model.BackwardToParameters(gradient);
        Optimizer.Step(Network.Parameters);
        state.Steps++;
        if (_options.Mode == TrainingMode.Hil)
        {
            Reprogram(state);
        }

        return (loss, SoftmaxCrossEntropy.Accuracy(logits, y));
    }

    private void Reprogram(RunState state)
    {
        var policy = _options.ReprogramPolicy;
        if (policy.EverySteps > 0)
        {
            if (state.Steps % policy.EverySteps == 0)
            {
                ProgramChip(state);
            }

            return;
        }

        var pulses = Network.Analog.Sum(layer => layer.ReprogramMoved(_chip!, policy.Delta, _options.Programming));
        state.Pulses += pulses;
        state.Reprograms += pulses > 0 ? 1 : 0;
    }

    private void ProgramChip(RunState state)
    {
        state.Pulses += Network.Program(_chip!, _options.Programming);
        state.Reprograms++;
    }

    private double? FinalChipAccuracy(RunState state)
    {
        switch (_options.Mode)
        {
            case TrainingMode.Software:
                return null;
            case TrainingMode.Hil:
                return state.Metrics.Count > 0 ? state.Metrics[^1].ChipTestAccuracy : ChipAccuracy(_test);
            default:
                // Naive and noise: the trained weights are deployed once, as they would be on the bench.
                Network.CalibrateInputRanges(_train.Take(Math.Min(CalibrationExamples, _train.Count)).Features, _options.InputRangeQuantile);
                if (_chip is IReseedableChip { CanReseed: true } reseedable)
                {
                    reseedable.Reseed(SeededRandom.For(_options.Seed, "chip/deploy").NextUInt64());
                }

                ProgramChip(state);
                return ChipAccuracy(_test);
        }
    }

    private double SoftwareAccuracy(Dataset data) => WithPath(ForwardPath.Software, () => Network.Accuracy(data));

    private double ChipAccuracy(Dataset data) => WithPath(ForwardPath.Chip, () => Network.Accuracy(data));

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
        SoftwareTestAccuracy = SoftwareAccuracy(_test),
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

    /// <summary>The trainer's counters, as a checkpoint holds them.</summary>
    private sealed class RunState
    {
        public int Epoch { get; set; }

        public int Batch { get; set; }

        public long Steps { get; set; }

        public long Pulses { get; set; }

        public int Reprograms { get; set; }

        public double TrainSeconds { get; set; }

        public long Samples { get; set; }

        public double? InitSoftwareTestAccuracy { get; set; }

        public EpochSums Partial { get; set; } = new();

        public List<EpochMetrics> Metrics { get; set; } = [];

        public static RunState From(TrainingCheckpoint c) => new()
        {
            Epoch = c.Epoch,
            Batch = c.Batch,
            Steps = c.Steps,
            Partial = c.Partial,
            Pulses = c.ProgrammingPulses,
            Reprograms = c.Reprograms,
            TrainSeconds = c.TrainSeconds,
            Samples = c.Samples,
            InitSoftwareTestAccuracy = c.InitSoftwareTestAccuracy,
            Metrics = c.Metrics,
        };
    }
}
