using AimcHil.Emulator;

namespace AimcHil.Rig.Direct;

/// <summary>The word-line drive: DAC parts in row order (row i is the i-th channel over all parts), and how a signed
/// input code becomes a voltage (mid + x / x_max × half span).</summary>
public sealed record InputStageConfig
{
    [ValidRange(-1000, 1000)]
    public double MidVolts { get; init; } = 1.25;

    [ValidRange(0, 1000, MinExclusive = true)]
    public double HalfSpanVolts { get; init; } = 1.25;

    public List<ConverterConfig> Dacs { get; init; } = [];
}
