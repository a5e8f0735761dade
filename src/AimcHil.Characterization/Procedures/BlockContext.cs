using AimcHil.Characterization.Datasets;
using AimcHil.Characterization.Running;
using AimcHil.Core;

namespace AimcHil.Characterization.Procedures;

/// <summary>What a block measures with: the chip, the clock since the block's programming, and the recorder that
/// commits each point (skipping the ones a resumed dataset already holds).</summary>
public sealed class BlockContext
{
    private readonly IPointSink _sink;
    private readonly Action<long> _pointDone;
    private readonly Action _checkBudget;
    private double _programmedAtSeconds = double.NaN;

    internal BlockContext(IAimcChip chip, MeasurementBlock block, IPointSink sink, bool replays, Action<long> pointDone, Action checkBudget)
    {
        Chip = chip;
        Block = block;
        _sink = sink;
        Replays = replays;
        _pointDone = pointDone;
        _checkBudget = checkBudget;
    }

    public IAimcChip Chip { get; }

    public MeasurementBlock Block { get; }

    /// <summary>Whether the chip was reseeded for this block, so measuring a recorded point again gives its recorded
    /// values (an emulator); on hardware a recorded point is skipped instead of measured again.</summary>
    public bool Replays { get; }

    /// <summary>Whether point <paramref name="index"/> of the block can be left out: it is recorded and the chip
    /// cannot replay it (measuring it again would only cost time).</summary>
    public bool Skip(int index) => !Replays && _sink.Contains(Block.FirstSeq + index);

    /// <summary>Programs a tile and marks the block's time zero for <see cref="WaitUntilAge"/>; the report has the
    /// per-weight grids only when <paramref name="detail"/> asks for them (a rig over a link sends them slowly).</summary>
    public ProgrammingReport Program(int tile, Grid<float> targets, WriteVerifyOptions options, ProgrammingDetail detail = ProgrammingDetail.Summary)
    {
        _checkBudget();
        var report = Chip.Program(tile, targets, options, null, detail);
        _programmedAtSeconds = Chip.Clock.Seconds;
        return report;
    }

    /// <summary>Seconds since the block's last programming on the chip's clock.</summary>
    public double Age => Chip.Clock.Seconds - _programmedAtSeconds;

    /// <summary>Lets the chip age to <paramref name="ageSeconds"/> after the block's programming: the virtual clock
    /// jumps; on hardware this waits in real time, checking the time budget as it goes.</summary>
    public void WaitUntilAge(double ageSeconds)
    {
        if (double.IsNaN(_programmedAtSeconds))
        {
            throw new InvalidOperationException("WaitUntilAge needs a programming in the block first");
        }

        var wait = ageSeconds - Age;
        if (wait <= 0)
        {
            return;
        }

        if (Chip.Clock.IsVirtual)
        {
            Chip.Clock.Advance(wait);
            return;
        }

        while (Age < ageSeconds)
        {
            _checkBudget();
            Thread.Sleep(TimeSpan.FromSeconds(Math.Clamp(ageSeconds - Age, 0.001, 1.0)));
        }
    }

    /// <summary>Commits point <paramref name="index"/> of the block unless the dataset already holds it.</summary>
    public void Record(int index, IReadOnlyDictionary<string, double> scalars, IReadOnlyDictionary<string, PointArray> arrays)
    {
        if (index < 0 || index >= Block.Points)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"block {Block.Label} has {Block.Points} points");
        }

        var seq = Block.FirstSeq + index;
        if (!_sink.Contains(seq))
        {
            _sink.Append(new DataPoint(seq, Chip.Clock.Seconds, scalars, arrays));
            _pointDone(seq);
        }

        _checkBudget();
    }
}
