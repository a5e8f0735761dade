using System.Diagnostics;
using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Rig;
using AimcHil.Training.Data;
using AimcHil.Training.Runs;

namespace AimcHil.Cli.Commands;

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
