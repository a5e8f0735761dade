namespace AimcHil.Characterization.TwinChecks;

/// <summary>What <see cref="TwinCheck"/> found, in MAC units; the JSON keys of <c>aimc twin-check --json</c>.</summary>
public sealed record TwinCheckResult
{
    /// <summary>Outputs compared (sample × column, none at an ADC rail on either).</summary>
    public required int Outputs { get; init; }

    /// <summary>Correlation of chip and twin systematic errors over every output compared.</summary>
    public required double SystematicCorrelation { get; init; }

    public required double SystematicRmsDifferenceMac { get; init; }

    public required double ChipSystematicRmsMac { get; init; }

    public required double TwinSystematicRmsMac { get; init; }

    /// <summary>Correlation of the per-column systematic error (mean over samples) of chip and twin.</summary>
    public required double ColumnSystematicCorrelation { get; init; }

    /// <summary>Random error: RMS over outputs of the spread over repeats.</summary>
    public required double ChipRandomSigmaMac { get; init; }

    public required double TwinRandomSigmaMac { get; init; }

    public double RandomSigmaRatio => TwinRandomSigmaMac / ChipRandomSigmaMac;

    public required double[] ChipSystematicByColumnMac { get; init; }

    public required double[] TwinSystematicByColumnMac { get; init; }
}
