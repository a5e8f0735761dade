namespace AimcHil.Emulator.Periphery;

/// <summary>The input DACs: signed codes of <see cref="Bits"/> bits drive the word lines.</summary>
public sealed record DacConfig
{
    [ValidRange(2, 16)]
    public int Bits { get; init; } = 8;
}
