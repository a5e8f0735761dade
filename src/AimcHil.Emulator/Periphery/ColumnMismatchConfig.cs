namespace AimcHil.Emulator.Periphery;

/// <summary>Per-column gain and offset mismatch of the read-out chain, drawn once per chip (fixed pattern).</summary>
public sealed record ColumnMismatchConfig
{
    public bool Enabled { get; init; } = true;

    /// <summary>Relative standard deviation of each column's gain (0.1 = 10 %).</summary>
    public double GainSigma { get; init; }

    /// <summary>Standard deviation of each column's offset as a fraction of ADC full scale.</summary>
    public double OffsetSigmaFullScale { get; init; }
}
