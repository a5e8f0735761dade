namespace AimcHil.Emulator.Domains;

/// <summary>Settings of a time-domain (delay-chain) tile.</summary>
public sealed record TimeDomainConfig
{
    /// <summary>τ0: a stage's delay at zero product.</summary>
    [ValidRange(0, double.PositiveInfinity, MinExclusive = true)]
    public double StageDelaySeconds { get; init; } = 1e-9;

    /// <summary>Δτ: extra delay at product +1 (must not exceed τ0, so no stage has a negative delay).</summary>
    [ValidRange(0, double.PositiveInfinity, MinExclusive = true)]
    public double DelayRangeSeconds { get; init; } = 0.5e-9;

    /// <summary>Relative standard deviation of each stage's τ0 and Δτ (fixed pattern).</summary>
    [ValidRange(0, double.PositiveInfinity)]
    public double DelayMismatchSigma { get; init; } = 0.01;

    /// <summary>κ: thermal jitter coefficient of a delay chain, in √s. A chain of total delay T jitters by σ = κ·√T
    /// (each stage by κ·√τ, independent stages adding in variance); 3.16e-8 √s is 1 ps on a 1 ns stage.</summary>
    [ValidRange(0, double.PositiveInfinity)]
    public double JitterKappaRootSeconds { get; init; } = 1e-12 / Math.Sqrt(1e-9);

    public TimeDomainConfig Ideal() => this with { DelayMismatchSigma = 0, JitterKappaRootSeconds = 0 };
}
