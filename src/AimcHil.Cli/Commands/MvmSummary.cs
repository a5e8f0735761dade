using AimcHil.Core;

namespace AimcHil.Cli.Commands;

/// <summary>What <c>aimc mvm --json</c> prints; its snake_case key names are a public interface.</summary>
internal sealed record MvmSummary
{
    public required string Rig { get; init; }

    public required string Chip { get; init; }

    public required ComputationDomain Domain { get; init; }

    public required DeviceTechnology Device { get; init; }

    public required bool Ideal { get; init; }

    public required ulong Seed { get; init; }

    public required int Tile { get; init; }

    public required int Rows { get; init; }

    public required int Cols { get; init; }

    public required int Batch { get; init; }

    /// <summary>Amplitude of the generated random weights (null when --weights was given).</summary>
    public float? RandomWeightAmplitude { get; init; }

    public required double LsbMac { get; init; }

    public required double FullScaleMac { get; init; }

    public required double RmseLsb { get; init; }

    public required double MaxAbsErrorLsb { get; init; }

    public required double RmseRelativeFullScale { get; init; }

    public required double MaxAbsErrorRelativeFullScale { get; init; }

    public required int SaturatedOutputs { get; init; }

    public required long ProgrammingPulses { get; init; }

    public required int UnconvergedCells { get; init; }

    public required double ProgramSeconds { get; init; }

    public required double MvmSeconds { get; init; }
}
