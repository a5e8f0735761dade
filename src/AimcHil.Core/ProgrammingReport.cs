namespace AimcHil.Core;

/// <summary>What programming a tile did: the targets, the weights reached, the pulses spent and the cells that missed.</summary>
public sealed record ProgrammingReport
{
    public required int Tile { get; init; }

    /// <summary>Normalized weight targets as requested.</summary>
    public required Grid<float> Targets { get; init; }

    /// <summary>The targets as the chip's weight levels represent them: what a perfect programming would hold.</summary>
    public required Grid<float> Representable { get; init; }

    /// <summary>Normalized weights the chip holds after programming (its last verify read, or read back).</summary>
    public required Grid<float> Achieved { get; init; }

    /// <summary>Programming pulses spent on each weight (all devices of the weight together).</summary>
    public required Grid<int> Pulses { get; init; }

    public required long TotalPulses { get; init; }

    /// <summary>Weights with a device that stayed out of tolerance when its pulse budget ran out.</summary>
    public required IReadOnlyList<CellAddress> Unconverged { get; init; }
}
