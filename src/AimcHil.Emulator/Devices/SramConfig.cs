namespace AimcHil.Emulator.Devices;

/// <summary>Parameters of the binary SRAM compute cell: its unit capacitor, that capacitor's mismatch and stuck bits.</summary>
/// <remarks>
/// In a charge-redistribution SRAM macro each bit cell gates a unit capacitor onto the bit line, so a cell's
/// analog strength is a capacitance, not a conductance. Each non-ideality has its own switch; a switch that is on
/// with a zero parameter has no effect either.
/// </remarks>
public sealed record SramConfig
{
    /// <summary>The unit capacitor a stored 1 switches onto the bit line.</summary>
    [ValidRange(0, double.PositiveInfinity, MinExclusive = true)]
    public double UnitCapacitanceFarad { get; init; } = 1e-15;

    public bool CellMismatch { get; init; } = true;

    /// <summary>Relative standard deviation of a cell's unit capacitor (0.01 = 1 %), from lithography, fixed per chip.</summary>
    [ValidRange(0, double.PositiveInfinity)]
    public double MismatchSigma { get; init; } = 0.01;

    /// <summary>Hard bit faults are screened out at test, so both fractions default to 0; the switch lets a scenario add them.</summary>
    public bool StuckAt { get; init; } = true;

    /// <summary>Fraction of cells that always read 1.</summary>
    [ValidRange(0, 1)]
    public double StuckOnFraction { get; init; }

    /// <summary>Fraction of cells that always read 0.</summary>
    [ValidRange(0, 1)]
    public double StuckOffFraction { get; init; }

    /// <summary>This configuration with every non-ideality switched off: identical unit capacitors and no faulty bits.</summary>
    public SramConfig Ideal() => this with { CellMismatch = false, StuckAt = false };

    /// <summary>Throws if a parameter is outside its physical range.</summary>
    public void Validate()
    {
        ValidRanges.Check(this, "sram");
        StuckAtLaw.CheckFractions(StuckOnFraction, StuckOffFraction, "sram");
    }
}
