using AimcHil.Core;

namespace AimcHil.Cli.Commands;

/// <summary>Passes every call to a chip behind a link and adds up the fewest wire bytes each could have cost
/// (<see cref="LinkMinimum"/>), so a run's line time can be set against its information.</summary>
internal sealed class MeteredChip(IAimcChip inner, int maxPayload) : IAimcChip, ILinkedChip
{
    public ChipInfo Info => inner.Info;

    public IChipClock Clock => inner.Clock;

    public LinkStatistics Link => (inner as ILinkedChip)?.Link ?? new LinkStatistics(0, 0, 0, 0, 0);

    /// <summary>Minimum bytes host → rig so far.</summary>
    public long MinimumUp { get; private set; }

    /// <summary>Minimum bytes rig → host so far.</summary>
    public long MinimumDown { get; private set; }

    public ProgrammingReport Program(int tile, Grid<float> targets, WriteVerifyOptions options, Grid<bool>? only = null)
    {
        Meter(targets, only);
        return inner.Program(tile, targets, options, only);
    }

    public IReadOnlyList<ProgrammingReport> Program(IReadOnlyList<TileProgramming> programs)
    {
        foreach (var p in programs)
        {
            Meter(p.Targets, p.Only);
        }

        return inner.Program(programs);
    }

    public DeviceStates ReadBack(int tile) => inner.ReadBack(tile);

    public MvmResult Mvm(int tile, Grid<int> inputCodes)
    {
        Add(LinkMinimum.Mvm(inputCodes.Rows, inputCodes.Cols, Info.Cols, Info.DacBits, Info.AdcBits, maxPayload));
        return inner.Mvm(tile, inputCodes);
    }

    public IReadOnlyList<MvmResult> Mvm(IReadOnlyList<TileMvm> mvms)
    {
        foreach (var mvm in mvms)
        {
            Add(LinkMinimum.Mvm(mvm.InputCodes.Rows, mvm.InputCodes.Cols, Info.Cols, Info.DacBits, Info.AdcBits, maxPayload));
        }

        return inner.Mvm(mvms);
    }

    public void Dispose() => inner.Dispose();

    /// <summary>The fewest bytes a programming of these targets could cost: every target at the device's precision,
    /// or for a masked rewrite the changed cells' set and targets.</summary>
    private void Meter(Grid<float> targets, Grid<bool>? only)
    {
        var cells = (long)targets.Rows * targets.Cols;
        var changed = only is null ? cells : only.Data.LongCount(b => b);
        var targetBits = Info.WeightLevels > 0 ? (int)Math.Ceiling(Math.Log2(Info.WeightLevels)) : 16;
        Add(only is null ? (LinkMinimum.Framed((cells * targetBits + 7) / 8, maxPayload), LinkMinimum.Framed(8, maxPayload)) : LinkMinimum.Reprogram(cells, changed, targetBits, maxPayload));
    }

    private void Add((long Up, long Down) bytes)
    {
        MinimumUp += bytes.Up;
        MinimumDown += bytes.Down;
    }
}
