namespace AimcHil.Characterization.Running;

/// <summary>How a measurement run ended: every planned point recorded, or stopped by its time budget or a cancel
/// with the points measured so far kept (a resume continues from there).</summary>
public sealed record RunOutcome(string Procedure, bool Completed, string StopReason, long PointsPlanned, long PointsRecorded, long PointsMeasuredNow, TimeSpan Elapsed);
