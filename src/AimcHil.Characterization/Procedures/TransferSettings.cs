namespace AimcHil.Characterization.Procedures;

/// <summary>Settings of <see cref="TransferProcedure"/>: tiles (all when empty), active cells per column (0: enough
/// to overdrive the ADC by 25 %), MVMs per input code, code step, and the write-verify of the pattern.</summary>
public sealed record TransferSettings(int[]? Tiles = null, int CellsPerColumn = 0, int Repeats = 4, int InputStep = 1, double Tolerance = 0.02, int MaxPulsesPerCell = 20);
