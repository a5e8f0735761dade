namespace AimcHil.Characterization.Procedures;

/// <summary>Settings of <see cref="StuckProcedure"/>: the tiles to map (all when empty).</summary>
public sealed record StuckSettings(int[]? Tiles = null);
