using AimcHil.Core;

namespace AimcHil.Emulator.Devices;

/// <summary>How far one programming pulse of amplitude V and width t moves a device (the preset's
/// <c>pulse_response</c> section): a phenomenological law shared by every device technology.</summary>
/// <remarks>
/// With s the normalized state and s_min the device's lowest state (<see cref="IDeviceModel.MinState"/>):
/// <code>
/// r(|V|) = clamp((|V| − V_th) / (V_full − V_th), 0, 1)     strength: none below threshold, all of it from V_full
/// k(V, t) = r(|V|) · (1 − e^(−t/τ))                        fraction of the headroom one pulse covers
/// s_aimed = s + k·(1 − s)        for V &gt; 0 (SET, toward the top)
/// s_aimed = s − k·(s − s_min)    for V &lt; 0 (RESET, toward the bottom)
/// </code>
/// So n identical pulses from s_0 reach s_n = 1 − (1 − s_0)(1 − k)^n upward: a device saturates rather than jumps,
/// which is what incremental step pulse programming (ISPP) relies on. The device's own programming-noise law then
/// scatters the state around s_aimed (quantized to the levels it can hold), so pulse trains carry the same noise
/// statistics as whole-tile write-verify.
/// </remarks>
public sealed record PulseResponse
{
    /// <summary>Amplitude below which a pulse does not move the device (V_th).</summary>
    [ValidRange(0, 1000)]
    public double ThresholdVolts { get; init; } = 0.5;

    /// <summary>Amplitude from which a long pulse moves the device all the way to the end of its range (V_full).</summary>
    [ValidRange(0, 1000, MinExclusive = true)]
    public double FullVolts { get; init; } = 2.0;

    /// <summary>Width over which a full-strength pulse covers 1 − 1/e of the headroom (τ).</summary>
    [ValidRange(0, 3600, MinExclusive = true)]
    public double TimeConstantSeconds { get; init; } = 1e-7;

    /// <summary>Throws if the parameters do not describe a law: 0 ≤ V_th &lt; V_full, τ &gt; 0.</summary>
    public void Validate()
    {
        ValidRanges.Check(this, "pulse_response");
        if (!(FullVolts > ThresholdVolts))
        {
            throw new AimcException($"pulse_response.full_volts ({FullVolts:g3}) must exceed threshold_volts ({ThresholdVolts:g3})");
        }
    }

    /// <summary>r(|V|): the pulse's strength, 0 at or below threshold, 1 from <see cref="FullVolts"/>.</summary>
    public double Strength(double amplitudeVolts) =>
        Math.Clamp((Math.Abs(amplitudeVolts) - ThresholdVolts) / (FullVolts - ThresholdVolts), 0, 1);

    /// <summary>k(V, t) = r(|V|)·(1 − e^(−t/τ)): the fraction of the headroom one pulse covers.</summary>
    public double Fraction(double amplitudeVolts, double widthSeconds) =>
        Strength(amplitudeVolts) * (1 - Math.Exp(-widthSeconds / TimeConstantSeconds));

    /// <summary>The state a pulse aims a device at from state <paramref name="state"/>, before quantization and
    /// programming noise; headroom never counts negative, so a device outside [s_min, 1] is not pushed further out by
    /// a pulse in the other direction.</summary>
    public double Aimed(double state, double minState, double amplitudeVolts, double widthSeconds)
    {
        var k = Fraction(amplitudeVolts, widthSeconds);
        return amplitudeVolts > 0
            ? state + (k * Math.Max(1 - state, 0))
            : state - (k * Math.Max(state - minState, 0));
    }
}
