namespace AimcHil.Emulator;

/// <summary>Wire resistance of the crossbar lines, per cell pitch; non-zero values turn on the IR-drop network solve.</summary>
public sealed record WireConfig
{
    public double WordSegmentOhm { get; init; }

    public double BitSegmentOhm { get; init; }

    public bool IsIdeal => WordSegmentOhm == 0 && BitSegmentOhm == 0;
}
