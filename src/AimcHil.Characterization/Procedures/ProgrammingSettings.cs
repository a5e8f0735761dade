namespace AimcHil.Characterization.Procedures;

/// <summary>Settings of <see cref="ProgrammingProcedure"/>.</summary>
/// <param name="Levels">Weight levels from −1 to 1 (17 gives steps of 0.125).</param>
public sealed record ProgrammingSettings(int Tile = 0, int Levels = 17, double Tolerance = 0.02, int MaxPulsesPerCell = 20);
