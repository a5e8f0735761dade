namespace AimcHil.Cli.Commands;

/// <summary>One read-out of <c>aimc bench direct</c>; key names are a public interface.</summary>
internal sealed record DirectBenchCase
{
    public required double KernelCallsPerMvm { get; init; }

    public required double BusBytesPerMvm { get; init; }

    public required double MinKernelCallsPerMvm { get; init; }

    public required double MinBusBytesPerMvm { get; init; }
}
