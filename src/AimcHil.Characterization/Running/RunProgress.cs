namespace AimcHil.Characterization.Running;

/// <summary>How far a measurement run is: points in the dataset of all planned, and the time left at the rate of the
/// points measured in this session (null until one has been measured).</summary>
public sealed record RunProgress(string Procedure, string Block, long PointsDone, long PointsPlanned, TimeSpan Elapsed, TimeSpan? Remaining);
