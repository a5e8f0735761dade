using System.Diagnostics;
using AimcHil.Characterization.Procedures;
using AimcHil.Core;

namespace AimcHil.Characterization.Running;

/// <summary>Runs a procedure on a chip into a sink: block by block, each block on an emulator started from its own
/// seed so a resumed run records exactly what an uninterrupted one would; stops cleanly on its time budget or a
/// cancel, keeping every point recorded.</summary>
public sealed class MeasurementRun
{
    private readonly IAimcChip _chip;
    private readonly Procedure _procedure;
    private readonly IPointSink _sink;

    public MeasurementRun(IAimcChip chip, Procedure procedure, IPointSink sink)
    {
        _chip = chip;
        _procedure = procedure;
        _sink = sink;
    }

    /// <summary>Seed the blocks' streams derive from; null on hardware (nothing to reseed).</summary>
    public ulong? Seed { get; init; }

    /// <summary>Wall time the run may take; it stops at the first point after, resumable.</summary>
    public TimeSpan? MaxTime { get; init; }

    public CancellationToken Cancel { get; init; }

    public IProgress<RunProgress>? Progress { get; init; }

    public RunOutcome Execute()
    {
        var blocks = _procedure.Plan(_chip.Info);
        long planned = blocks.Sum(b => (long)b.Points);
        long recorded = CountRecorded(blocks);
        long measuredNow = 0;
        var clock = Stopwatch.StartNew();
        var reseedable = Seed is not null && _chip is IReseedableChip { CanReseed: true };
        var block = blocks.Count > 0 ? blocks[0] : null;

        void Report()
        {
            TimeSpan? remaining = measuredNow == 0
                ? null
                : TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / measuredNow * (planned - recorded));
            Progress?.Report(new RunProgress(_procedure.Name, block?.Label ?? string.Empty, recorded, planned, clock.Elapsed, remaining));
        }

        void CheckBudget()
        {
            if (Cancel.IsCancellationRequested)
            {
                throw new MeasurementStopped("cancelled");
            }

            if (MaxTime is { } max && clock.Elapsed > max)
            {
                throw new MeasurementStopped($"the time budget of {max.TotalSeconds:0.#} s was spent");
            }
        }

        try
        {
            for (var b = 0; b < blocks.Count; b++)
            {
                block = blocks[b];
                if (AllRecorded(block))
                {
                    continue;
                }

                CheckBudget();
                Report();
                if (reseedable)
                {
                    ((IReseedableChip)_chip).Reseed(BlockSeed(Seed!.Value, _procedure.Name, b));
                }

                var context = new BlockContext(_chip, block, _sink, reseedable, _ => { recorded++; measuredNow++; Report(); }, CheckBudget);
                block.Measure(context);
            }
        }
        catch (MeasurementStopped stop)
        {
            return new RunOutcome(_procedure.Name, false, stop.Reason, planned, recorded, measuredNow, clock.Elapsed);
        }

        Report();
        return new RunOutcome(_procedure.Name, recorded == planned, recorded == planned ? "completed" : "points missing", planned, recorded, measuredNow, clock.Elapsed);
    }

    /// <summary>A block's seed: the run seed mixed with the procedure and the block index, so blocks and procedures
    /// never share draws.</summary>
    internal static ulong BlockSeed(ulong seed, string procedure, int block)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in $"{procedure}/{block}")
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return seed ^ hash;
    }

    private bool AllRecorded(MeasurementBlock block)
    {
        for (var k = 0; k < block.Points; k++)
        {
            if (!_sink.Contains(block.FirstSeq + k))
            {
                return false;
            }
        }

        return true;
    }

    private long CountRecorded(IReadOnlyList<MeasurementBlock> blocks)
    {
        long count = 0;
        foreach (var block in blocks)
        {
            for (var k = 0; k < block.Points; k++)
            {
                if (_sink.Contains(block.FirstSeq + k))
                {
                    count++;
                }
            }
        }

        return count;
    }
}
