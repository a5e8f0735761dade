namespace AimcHil.Core;

/// <summary>What a programming report must carry: the totals alone, or the per-weight grids as well.</summary>
public enum ProgrammingDetail
{
    /// <summary>Total pulses, the pulse histogram and the unconverged weights: what a training step needs.</summary>
    Summary,

    /// <summary>The summary plus targets, representable, achieved and pulses for every weight: what
    /// characterization and an accuracy check need (slow over a serial link: 16 bytes a weight).</summary>
    PerWeight,
}
