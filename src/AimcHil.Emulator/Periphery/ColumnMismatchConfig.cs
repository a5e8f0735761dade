using YamlDotNet.Serialization;

namespace AimcHil.Emulator.Periphery;

/// <summary>Per-column gain and offset mismatch of the read-out chain, drawn once per chip (fixed pattern), or
/// measured on a real chip and given as arrays (a calibrated twin).</summary>
public sealed record ColumnMismatchConfig
{
    public bool Enabled { get; init; } = true;

    /// <summary>Relative standard deviation of each column's gain (0.1 = 10 %); with a measured gain array, only
    /// documents the fit.</summary>
    [ValidRange(0, 1)]
    public double GainSigma { get; init; }

    /// <summary>Standard deviation of each column's offset as a fraction of ADC full scale; with a measured offset
    /// array, only documents the fit.</summary>
    [ValidRange(0, 1)]
    public double OffsetSigmaFullScale { get; init; }

    /// <summary>A float32 .npy of tiles × cols relative gains (1 = nominal), relative to the rig file's folder; the
    /// rig reader loads it into <see cref="MeasuredGain"/>.</summary>
    public string? GainFile { get; init; }

    /// <summary>A float32 .npy of tiles × cols offsets as fractions of ADC full scale, relative to the rig file's
    /// folder; the rig reader loads it into <see cref="MeasuredOffset"/>.</summary>
    public string? OffsetFile { get; init; }

    /// <summary>Measured relative gain per tile and column (tiles × cols): replaces the random draw.</summary>
    [YamlIgnore]
    public float[][]? MeasuredGain { get; init; }

    /// <summary>Measured offset per tile and column (tiles × cols), as a fraction of ADC full scale: replaces the
    /// random draw.</summary>
    [YamlIgnore]
    public float[][]? MeasuredOffset { get; init; }
}
