namespace AimcHil.Characterization.Calibration;

/// <summary>The fitted word- and bit-line segment resistances (Ω per cell pitch), their 1σ, and the RMS residual (MAC)
/// of the sweeps under them.</summary>
internal sealed record WireEstimate(double WordOhm, double BitOhm, double WordSigmaOhm, double BitSigmaOhm, double ResidualMac);
