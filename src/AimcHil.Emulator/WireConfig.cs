namespace AimcHil.Emulator;

/// <summary>Wire resistance of the crossbar lines, per cell pitch; non-zero values turn on the IR-drop network solve.</summary>
public sealed record WireConfig
{
    [ValidRange(0, 1e6)]
    public double WordSegmentOhm { get; init; }

    [ValidRange(0, 1e6)]
    public double BitSegmentOhm { get; init; }

    /// <summary>Largest error, in LSB of the output ADC with every input at full scale, the emulator accepts from keeping
    /// the last network solve's word/bit-line coupling after a reprogramming instead of solving the network again
    /// (0 solves it after every programming). The default is far below one read's noise on any preset.</summary>
    [ValidRange(0, double.PositiveInfinity)]
    public double UpdateToleranceLsb { get; init; } = 0.25;

    /// <summary>Throws if a resistance or the tolerance is outside its range (NaN, negative, infinite).</summary>
    public void Validate() => ValidRanges.Check(this, "wires");

    public bool IsIdeal => WordSegmentOhm == 0 && BitSegmentOhm == 0;
}
