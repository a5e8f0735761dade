namespace AimcHil.Emulator.Devices;

/// <summary>Parameters of the phase-change memory model (IBM aihwkit PCMLikeNoiseModel, Nandakumar et al. 2019).</summary>
/// <remarks>
/// The defaults are the published fit, measured on a one-million-device PCM array with g_max = 25 µS. Each
/// non-ideality has its own switch; a switch that is on with a zero scale or fraction has no effect either.
/// </remarks>
public sealed record PcmConfig
{
    /// <summary>Conductance at normalized state 1.0.</summary>
    // Above 10 mS (100 Ω) a cell is a short, not a memory state, and the IR-drop network's solve loses its precision.
    [ValidRange(0, 1e-2, MinExclusive = true)]
    public double GMaxSiemens { get; init; } = 25e-6;

    public bool ProgrammingNoise { get; init; } = true;

    /// <summary>Multiplies σ_prog of the fit (aihwkit prog_noise_scale).</summary>
    [ValidRange(0, double.PositiveInfinity)]
    public double ProgrammingNoiseScale { get; init; } = 1.0;

    public bool Drift { get; init; } = true;

    /// <summary>Multiplies the drawn drift exponent ν (aihwkit drift_scale).</summary>
    [ValidRange(0, double.PositiveInfinity)]
    public double DriftScale { get; init; } = 1.0;

    /// <summary>Time after programming at which the drift law is referenced: g(t) = g_prog·((t + t0)/t0)^−ν.</summary>
    [ValidRange(0, double.PositiveInfinity, MinExclusive = true)]
    public double T0Seconds { get; init; } = 20.0;

    public bool ReadNoise { get; init; } = true;

    /// <summary>Multiplies the accumulated 1/f read-noise σ (aihwkit read_noise_scale).</summary>
    [ValidRange(0, double.PositiveInfinity)]
    public double ReadNoiseScale { get; init; } = 1.0;

    /// <summary>Read duration of the 1/f-noise fit; it sets the high-frequency end of the integrated noise band.</summary>
    [ValidRange(0, double.PositiveInfinity, MinExclusive = true)]
    public double TReadSeconds { get; init; } = 250e-9;

    /// <summary>Stuck-at defects are rare in PCM, so both fractions default to 0; the switch lets a scenario add them.</summary>
    public bool StuckAt { get; init; } = true;

    /// <summary>Fraction of devices pinned at full conductance (crystalline, e.g. a failed reset).</summary>
    [ValidRange(0, 1)]
    public double StuckOnFraction { get; init; }

    /// <summary>Fraction of devices pinned at zero conductance (e.g. an open heater or a void).</summary>
    [ValidRange(0, 1)]
    public double StuckOffFraction { get; init; }

    /// <summary>This configuration with every non-ideality switched off: programming is exact and nothing moves.</summary>
    public PcmConfig Ideal() => this with { ProgrammingNoise = false, Drift = false, ReadNoise = false, StuckAt = false };

    /// <summary>Throws if a parameter is outside its physical range.</summary>
    public void Validate()
    {
        ValidRanges.Check(this, "pcm");
        StuckAtLaw.CheckFractions(StuckOnFraction, StuckOffFraction, "pcm");
    }
}
