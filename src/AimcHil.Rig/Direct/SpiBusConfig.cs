using AimcHil.Emulator;

namespace AimcHil.Rig.Direct;

/// <summary>One SPI device: /dev/spidevB.C, its clock and mode.</summary>
public sealed record SpiBusConfig
{
    [ValidRange(0, 65535)]
    public int Bus { get; init; }

    [ValidRange(0, 65535)]
    public int ChipSelect { get; init; }

    [ValidRange(1, 1_000_000_000)]
    public int ClockHz { get; init; } = 1_000_000;

    /// <summary>SPI mode 0–3 (clock polarity and phase).</summary>
    [ValidRange(0, 3)]
    public int Mode { get; init; }
}
