namespace AimcHil.Emulator;

/// <summary>How long chip operations take in virtual time, so drift and read noise see a realistic age.</summary>
public sealed record TimingConfig
{
    /// <summary>One programming pulse with its verify read.</summary>
    [ValidRange(0, 3600)]
    public double PulseSeconds { get; init; } = 1e-6;

    /// <summary>One MVM (DAC settle, integration, conversion).</summary>
    [ValidRange(0, 3600)]
    public double MvmSeconds { get; init; } = 1e-6;
}
