namespace AimcHil.Core;

/// <summary>What programming a tile did: the pulses spent and the cells that missed, and, when the chip measured and
/// sent them (<see cref="HasPerWeight"/>), the targets, the weights reached and the pulses of every weight.</summary>
/// <remarks>A rig over a link answers with a short report unless asked for <see cref="ProgrammingDetail.PerWeight"/>
/// (see <see cref="ChipProgramming"/>): the per-weight grids are then null, never filled in by the host.</remarks>
public sealed record ProgrammingReport
{
    private readonly IReadOnlyList<long>? _pulseHistogram;

    public required int Tile { get; init; }

    /// <summary>Normalized weight targets as requested; null in a short report.</summary>
    public required Grid<float>? Targets { get; init; }

    /// <summary>The targets as the chip's weight levels represent them: what a perfect programming would hold; null
    /// in a short report.</summary>
    public required Grid<float>? Representable { get; init; }

    /// <summary>Normalized weights the chip holds after programming (its last verify read, or read back); null in a
    /// short report.</summary>
    public required Grid<float>? Achieved { get; init; }

    /// <summary>Programming pulses spent on each weight (all devices of the weight together); null in a short report.</summary>
    public required Grid<int>? Pulses { get; init; }

    public required long TotalPulses { get; init; }

    /// <summary>Weights with a device that stayed out of tolerance when its pulse budget ran out.</summary>
    public required IReadOnlyList<CellAddress> Unconverged { get; init; }

    /// <summary>How many weights of the report's grid took 0, 1, 2, … pulses (the index is the pulse count, the last
    /// entry non-zero): from <see cref="Pulses"/> when the report has them, else as the chip sent it.</summary>
    public IReadOnlyList<long> PulseHistogram
    {
        get => _pulseHistogram ?? HistogramOf(Pulses);
        init => _pulseHistogram = value;
    }

    /// <summary>Whether the per-weight grids are present.</summary>
    public bool HasPerWeight => Targets is not null && Representable is not null && Achieved is not null && Pulses is not null;

    /// <summary>The per-weight grids, or an error saying the report is a short one (for code that needs them).</summary>
    public (Grid<float> Targets, Grid<float> Representable, Grid<float> Achieved, Grid<int> Pulses) PerWeightGrids() =>
        HasPerWeight
            ? (Targets!, Representable!, Achieved!, Pulses!)
            : throw new InvalidOperationException($"the report of tile {Tile} is a short one (totals, pulse histogram, unconverged weights): program with ProgrammingDetail.PerWeight for the per-weight grids");

    /// <summary>The pulse histogram of a per-weight pulse grid (empty for none).</summary>
    public static long[] HistogramOf(Grid<int>? pulses)
    {
        if (pulses is null || pulses.Data.Length == 0)
        {
            return [];
        }

        var histogram = new long[pulses.Data.Max() + 1];
        foreach (var p in pulses.Data)
        {
            histogram[p]++;
        }

        return histogram;
    }
}
