namespace AimcHil.Core;

/// <summary>The physical principle by which a tile multiplies and accumulates (docs/architecture.md §4.1).</summary>
public enum ComputationDomain
{
    /// <summary>Word-line voltages on conductances; Kirchhoff current sum on a virtual-ground bit line.</summary>
    Current,
    /// <summary>Pulse-width inputs; cell current integrated on a capacitor.</summary>
    Charge,
    /// <summary>Binary products charge unit capacitors that are then shorted together; bit-serial.</summary>
    ChargeRedistribution,
    /// <summary>Capacitances as weights on a floating top plate: V = Σ C V / Σ C.</summary>
    CapacitiveDivision,
    /// <summary>Conductances into a floating node: V = Σ G V / Σ G.</summary>
    ResistiveDivision,
    /// <summary>Delays as products; a time-to-digital converter reads the summed delay.</summary>
    TimeDomain,
}
