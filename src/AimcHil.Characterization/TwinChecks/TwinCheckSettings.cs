namespace AimcHil.Characterization.TwinChecks;

/// <summary>Settings of <see cref="TwinCheck"/>: tile, input samples, MVMs of each, the spread of the random weights.</summary>
public sealed record TwinCheckSettings(int Tile = 0, int Samples = 64, int Repeats = 16, double WeightSigma = 0.3, ulong Seed = 1);
