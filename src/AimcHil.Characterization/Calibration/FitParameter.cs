namespace AimcHil.Characterization.Calibration;

/// <summary>One fitted twin parameter: its value with a one-sigma uncertainty, the residual the fit left, and the
/// dataset it came from.</summary>
/// <param name="Key">The twin's rig key it sets ("pcm.read_noise_scale", "wires.word_segment_ohm").</param>
/// <param name="Residual">What the fit could not explain, in <paramref name="ResidualUnit"/> (RMS over what it fitted).</param>
public sealed record FitParameter(string Key, double Value, double Uncertainty, string Unit, double Residual, string ResidualUnit, string Source);
