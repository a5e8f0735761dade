namespace AimcHil.Characterization.Calibration;

/// <summary>Sum of squared residuals (MAC²) of the sweeps under candidate lines, over <see cref="Count"/> readings.</summary>
/// <remarks>The readings of one column share its devices' programming errors, which no drive averages out: the
/// independent units are the columns of each sweep (<see cref="Columns"/>), not the readings.</remarks>
internal sealed record WireResidual(double SumSquares, long Count, long Columns)
{
    public double RmsMac => Math.Sqrt(SumSquares / Math.Max(Count, 1));
}
