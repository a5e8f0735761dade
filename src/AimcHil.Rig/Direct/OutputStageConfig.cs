using AimcHil.Emulator;

namespace AimcHil.Rig.Direct;

/// <summary>The column read-out: ADC parts in column order, and how a MAC value becomes a voltage (mid + mac / mac full
/// scale × half span).</summary>
public sealed record OutputStageConfig
{
    [ValidRange(-1000, 1000)]
    public double MidVolts { get; init; }

    [ValidRange(0, 1000, MinExclusive = true)]
    public double HalfSpanVolts { get; init; } = 5;

    public List<ConverterConfig> Adcs { get; init; } = [];
}
