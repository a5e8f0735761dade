using AimcHil.Core;

namespace AimcHil.Emulator.Devices;

/// <summary>Parameters of the filamentary RRAM model: finite on/off ratio and levels, programming and read noise,
/// I–V non-linearity and stuck-at cells.</summary>
/// <remarks>Each non-ideality has its own switch; a switch that is on with a zero parameter has no effect either.</remarks>
public sealed record RramConfig
{
    /// <summary>Conductance at normalized state 1.0 (the low-resistance state under the SET compliance current).</summary>
    // Above 10 mS (100 Ω) a cell is a short, not a memory state, and the IR-drop network's solve loses its precision.
    [ValidRange(0, 1e-2, MinExclusive = true)]
    public double GMaxSiemens { get; init; } = 100e-6;

    /// <summary>When on, a fully RESET device still conducts g_max / <see cref="OnOffRatio"/>, the lowest programmable state.</summary>
    public bool FiniteOnOff { get; init; } = true;

    /// <summary>g_max / g_min, dimensionless; must exceed 1.</summary>
    [ValidRange(1, double.PositiveInfinity, MinExclusive = true)]
    public double OnOffRatio { get; init; } = 10.0;

    /// <summary>When on, a device holds one of <see cref="Levels"/> conductances evenly spaced from g_min to g_max.</summary>
    public bool FiniteLevels { get; init; } = true;

    /// <summary>Distinct programmable levels including both ends; 0 means an analog continuum.</summary>
    [ValidRange(0, 65536)]
    public int Levels { get; init; } = 16;

    public bool ProgrammingNoise { get; init; } = true;

    /// <summary>Standard deviation of one pulse's error, as a fraction of g_max, independent of the target.</summary>
    [ValidRange(0, double.PositiveInfinity)]
    public double ProgrammingSigma { get; init; } = 0.03;

    /// <summary>Highest state one pulse can leave behind, as a fraction of g_max.</summary>
    /// <remarks>
    /// The compliance current bounds how far a filament can grow, so a noisy pulse overshoots g_max only a little;
    /// 1.2 leaves room for a 6σ overshoot at the default σ without letting a broad noise setting run away.
    /// </remarks>
    [ValidRange(1, double.PositiveInfinity)]
    public double MaxProgrammedState { get; init; } = 1.2;

    public bool ReadNoise { get; init; } = true;

    /// <summary>Standard deviation of one read relative to the state (0.01 = 1 %); RRAM read noise does not grow with time.</summary>
    [ValidRange(0, double.PositiveInfinity)]
    public double ReadNoiseSigma { get; init; } = 0.01;

    /// <summary>When on, the device current follows I = G·V·(1 + a₂·|V| + a₃·V²) instead of Ohm's law, with V the
    /// voltage across the device in volts and G its small-signal conductance (the state).</summary>
    public bool IvNonLinearity { get; init; } = true;

    /// <summary>a₂ in 1/V: the even-order (|V|) bend of the curve.</summary>
    [ValidRange(double.NegativeInfinity, double.PositiveInfinity)]
    public double IvA2PerVolt { get; init; }

    /// <summary>a₃ in 1/V²: the cubic term, positive for the superlinear conduction of a filament. The default 2.5 /V²
    /// makes a device read at 0.2 V pass 10 % more current than Ohm's law (2.5 · 0.2² = 0.1).</summary>
    [ValidRange(double.NegativeInfinity, double.PositiveInfinity)]
    public double IvA3PerVoltSquared { get; init; } = 2.5;

    public bool StuckAt { get; init; } = true;

    /// <summary>Fraction of devices whose filament cannot be ruptured (pinned at g_max).</summary>
    [ValidRange(0, 1)]
    public double StuckOnFraction { get; init; } = 0.005;

    /// <summary>Fraction of devices that never formed a filament or cannot re-form it (pinned at the bottom of the range).</summary>
    [ValidRange(0, 1)]
    public double StuckOffFraction { get; init; } = 0.005;

    /// <summary>This configuration with every non-ideality switched off: an analog device from 0 to g_max, exact and linear.</summary>
    public RramConfig Ideal() => this with
    {
        FiniteOnOff = false,
        FiniteLevels = false,
        ProgrammingNoise = false,
        ReadNoise = false,
        IvNonLinearity = false,
        StuckAt = false,
    };

    /// <summary>Throws if a parameter is outside its physical range.</summary>
    public void Validate()
    {
        ValidRanges.Check(this, "rram");
        if (Levels == 1)
        {
            throw new AimcException("rram.levels = 1: a device needs at least 2 levels, or 0 for an analog continuum");
        }

        StuckAtLaw.CheckFractions(StuckOnFraction, StuckOffFraction, "rram");
    }
}
