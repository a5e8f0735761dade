namespace AimcHil.Cli.Commands;

/// <summary>Payload over wire bytes of the two bulk transfers the bench measures.</summary>
internal sealed record PayloadEfficiencies(double WeightMatrix, double MvmBatch);
