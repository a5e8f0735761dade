namespace AimcHil.Characterization.Calibration;

/// <summary>The fitted I–V coefficients (a₂ in 1/V, a₃ in 1/V²), their 1σ and the RMS residual (MAC) of the transfer
/// sweeps under them.</summary>
internal sealed record IvEstimate(double A2PerVolt, double A3PerVoltSquared, double A2Sigma, double A3Sigma, double ResidualMac);
