using System.Diagnostics;
using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Rig;
using AimcHil.Training.Data;
using AimcHil.Training.Runs;

namespace AimcHil.Cli.Commands;

/// <summary>One case of <c>aimc bench train</c>: a model trained with the chip in the loop on a rig, and the same
/// steps in software, each timed in steady state.</summary>
internal sealed record TrainBenchCase
{
    /// <summary>The case's key in the JSON output.</summary>
    public required string Name { get; init; }

    public required RigFile Rig { get; init; }

    /// <summary>The built-in model, as <c>--model</c> takes it.</summary>
    public string Model { get; init; } = "mlp";

    /// <summary>Layer sizes of the MLP, inputs first.</summary>
    public required int[] Layers { get; init; }

    /// <summary>The hil reprogramming policy, as <c>--reprogram</c> takes it.</summary>
    public required string Reprogram { get; init; }

    /// <summary>Optimizer steps timed.</summary>
    public required int Steps { get; init; }

    /// <summary>Steps before the timed ones (at least 1): the first programming (and network solve) and the JIT's warm-up.</summary>
    public required int WarmupSteps
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(WarmupSteps), value, "the first step programs the chip: it is never timed");
    }

    public const int Batch = 64;

    public const float LearningRate = 1e-4f;

    public string LayersText => Model == "mlp" ? string.Join('-', Layers) : Model;
}

/// <summary>What one training run of a case measured.</summary>
/// <param name="SamplesPerSecond">Over the timed steps only.</param>
/// <param name="FirstStepSeconds">From the start of the run to the end of its first step: the input-range
/// calibration, the first programming of every tile and the first MVMs (and so the first network solves).</param>
/// <param name="TimedWireSolves">Exact IR-drop network solves during the timed steps (null without an emulator).</param>
/// <param name="TimedWireSolveSeconds">The seconds those solves took (null without an emulator).</param>
/// <param name="TimedSeconds">The timed steps' wall-clock seconds.</param>
/// <param name="TimedMeter">How far each of the caller's meter readings moved during the timed steps (null without one).</param>
internal sealed record TrainThroughput(double SamplesPerSecond, double FirstStepSeconds, long? TimedWireSolves, double? TimedWireSolveSeconds, double TimedSeconds, long[]? TimedMeter = null);

/// <summary>Times training runs through the real <see cref="Trainer"/>, step by step through its progress reports.</summary>
internal static class TrainBenchmark
{
    /// <summary>The case trained in <paramref name="mode"/> for its warm-up and timed steps, on the case's rig or on
    /// <paramref name="onChip"/> (left open), reading <paramref name="meter"/> where the timed steps start and end.</summary>
    public static TrainThroughput Measure(TrainBenchCase spec, TrainingMode mode, Dataset train, Dataset test, IAimcChip? onChip = null, Func<long[]>? meter = null)
    {
        var options = new TrainingOptions
        {
            Mode = mode,
            Model = spec.Model,
            Layers = spec.Layers,
            Epochs = 1,
            BatchSize = TrainBenchCase.Batch,
            LearningRate = TrainBenchCase.LearningRate,
            TrainLimit = (spec.WarmupSteps + spec.Steps) * TrainBenchCase.Batch,
            TestLimit = 1,
            Reprogram = Training.Runs.ReprogramPolicy.Parse(spec.Reprogram).ToString(),
        };
        using var opened = mode == TrainingMode.Software || onChip is not null ? null : RigConnector.Open(spec.Rig);
        var chip = mode == TrainingMode.Software ? null : onChip ?? opened;
        var emulated = chip as EmulatedChip;
        var steps = new StepTimes(spec.WarmupSteps, () => emulated is null ? null : (emulated.ExactWireSolves, emulated.ExactWireSolveSeconds), meter);
        var trainer = new Trainer(options, train, test, chip);
        steps.Start();
        trainer.Run(null, false, false, steps, null, CancellationToken.None);
        if (steps.TimedSeconds is not { } seconds)
        {
            throw new AimcException($"bench case {spec.Name}: the run ended after {steps.Reports} of {spec.WarmupSteps + spec.Steps} steps");
        }

        return new TrainThroughput(spec.Steps * TrainBenchCase.Batch / seconds, steps.FirstStepSeconds, steps.TimedWireSolves, steps.TimedWireSolveSeconds, seconds, steps.TimedMeter);
    }

    /// <summary>Clock readings at the trainer's progress reports, which it makes synchronously after every step.</summary>
    private sealed class StepTimes(int warmupSteps, Func<(long Solves, double Seconds)?> wireSolves, Func<long[]>? meter) : IProgress<TrainingProgress>
    {
        private long _start;
        private long _timedFrom;
        private (long Solves, double Seconds)? _solvesBefore;
        private long[]? _meterBefore;

        public long[]? TimedMeter { get; private set; }

        public int Reports { get; private set; }

        public double FirstStepSeconds { get; private set; }

        public double? TimedSeconds { get; private set; }

        public long? TimedWireSolves { get; private set; }

        public double? TimedWireSolveSeconds { get; private set; }

        public void Start() => _start = Stopwatch.GetTimestamp();

        public void Report(TrainingProgress value)
        {
            var now = Stopwatch.GetTimestamp();
            Reports++;
            if (Reports == 1)
            {
                FirstStepSeconds = Stopwatch.GetElapsedTime(_start, now).TotalSeconds;
            }

            if (Reports == warmupSteps)
            {
                _timedFrom = now;
                _solvesBefore = wireSolves();
                _meterBefore = meter?.Invoke();
            }

            if (Reports == value.Batches)
            {
                TimedSeconds = Stopwatch.GetElapsedTime(_timedFrom, now).TotalSeconds;
                var solves = wireSolves();
                TimedWireSolves = solves?.Solves - _solvesBefore?.Solves;
                TimedWireSolveSeconds = solves?.Seconds - _solvesBefore?.Seconds;
                TimedMeter = meter?.Invoke().Zip(_meterBefore ?? [], (after, before) => after - before).ToArray();
            }
        }
    }
}
