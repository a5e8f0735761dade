namespace AimcHil.Characterization.Running;

/// <summary>Raised inside a block when the run must stop (time budget spent or cancelled): the block ends where it is
/// and every point already recorded stays.</summary>
internal sealed class MeasurementStopped(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}
