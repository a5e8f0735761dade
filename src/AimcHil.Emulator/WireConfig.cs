namespace AimcHil.Emulator;

/// <summary>Wire resistance of the crossbar lines, per cell pitch; non-zero values turn on the IR-drop network solve.</summary>
public sealed record WireConfig
{
    public double WordSegmentOhm { get; init; }

    public double BitSegmentOhm { get; init; }

    /// <summary>Largest error, in LSB of the output ADC with every input at full scale, the emulator accepts from keeping
    /// the last network solve's word/bit-line coupling after a reprogramming instead of solving the network again
    /// (0 solves it after every programming). The default is far below one read's noise on any preset.</summary>
    public double UpdateToleranceLsb { get; init; } = 0.25;

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(WordSegmentOhm);
        ArgumentOutOfRangeException.ThrowIfNegative(BitSegmentOhm);
        ArgumentOutOfRangeException.ThrowIfNegative(UpdateToleranceLsb);
        ArgumentOutOfRangeException.ThrowIfEqual(double.IsFinite(WordSegmentOhm + BitSegmentOhm + UpdateToleranceLsb), false);
    }

    public bool IsIdeal => WordSegmentOhm == 0 && BitSegmentOhm == 0;
}
