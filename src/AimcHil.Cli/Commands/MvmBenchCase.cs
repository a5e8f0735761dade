namespace AimcHil.Cli.Commands;

/// <summary>One shape of <c>aimc bench mvm</c>; key names are a public interface.</summary>
internal sealed record MvmBenchCase
{
    public required int Rows { get; init; }

    public required int Cols { get; init; }

    public required int Tiles { get; init; }

    public required double BlasGflops { get; init; }

    public required double IdealGflops { get; init; }

    public required double NoisyGflops { get; init; }

    public double IdealRatio => IdealGflops / BlasGflops;

    public double NoisyRatio => NoisyGflops / BlasGflops;
}
