namespace AimcHil.Characterization.Procedures;

/// <summary>Settings of <see cref="TimedReadProcedure"/>.</summary>
/// <param name="WriteVerify">Program with write-verify (false: one pulse per device, the device's raw spread).</param>
public sealed record TimedReadSettings(double[] AgesSeconds, int Repeats, int Tile = 0, int Levels = 17, bool WriteVerify = false);
