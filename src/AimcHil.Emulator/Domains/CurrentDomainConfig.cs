namespace AimcHil.Emulator.Domains;

/// <summary>Settings of a current-domain tile.</summary>
public sealed record CurrentDomainConfig
{
    /// <summary>Word-line voltage at full-scale input code.</summary>
    [ValidRange(0, double.PositiveInfinity, MinExclusive = true)]
    public double ReadVolts { get; init; } = 0.2;

    public CurrentDomainConfig Ideal() => this;
}
