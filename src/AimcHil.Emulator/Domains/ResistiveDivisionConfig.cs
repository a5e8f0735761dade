namespace AimcHil.Emulator.Domains;

/// <summary>Settings of a resistive-division tile.</summary>
public sealed record ResistiveDivisionConfig
{
    [ValidRange(0, double.PositiveInfinity, MinExclusive = true)]
    public double ReadVolts { get; init; } = 0.2;

    /// <summary>A trimmed load per column makes every column's total conductance the same (set from the targets),
    /// so the output is linear in the weights. Off: the bare divider Σ G V / Σ G.</summary>
    public bool BalanceLoads { get; init; } = true;

    public ResistiveDivisionConfig Ideal() => this with { BalanceLoads = true };
}
