namespace AimcHil.Emulator.Domains;

/// <summary>Settings of a charge-domain tile.</summary>
public sealed record ChargeDomainConfig
{
    [ValidRange(0, double.PositiveInfinity, MinExclusive = true)]
    public double ReadVolts { get; init; } = 0.2;

    /// <summary>Pulse width at full-scale input code (T0).</summary>
    [ValidRange(0, double.PositiveInfinity, MinExclusive = true)]
    public double PulseFullScaleSeconds { get; init; } = 100e-9;

    [ValidRange(0, double.PositiveInfinity, MinExclusive = true)]
    public double IntegrationCapacitanceFarad { get; init; } = 1e-12;

    /// <summary>Whether the integrator clips at its rails (±<see cref="RailVolts"/>).</summary>
    public bool Saturation { get; init; } = true;

    [ValidRange(0, double.PositiveInfinity, MinExclusive = true)]
    public double RailVolts { get; init; } = 0.9;

    public bool KtcNoise { get; init; } = true;

    [ValidRange(0, double.PositiveInfinity)]
    public double TemperatureKelvin { get; init; } = 300;

    public ChargeDomainConfig Ideal() => this with { Saturation = false, KtcNoise = false };
}
