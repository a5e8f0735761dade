namespace AimcHil.Emulator.Devices;

/// <summary>Device I–V curve: I = G·V·(1 + a₂·|V| + a₃·V²), with V the voltage across the device in volts, G its
/// small-signal conductance (the device state), a₂ in 1/V and a₃ in 1/V² (odd in V, as a symmetric cell is).</summary>
/// <remarks>The curve belongs to the device, not to a circuit's scale: the same device read at a higher voltage bends
/// more. A domain that drives word lines at a fraction x of its read voltage V_read uses <see cref="AtFraction"/>.</remarks>
public readonly record struct IvNonLinearity(double A2PerVolt, double A3PerVoltSquared)
{
    public bool IsLinear => A2PerVolt == 0 && A3PerVoltSquared == 0;

    /// <summary>I / (G·V) at <paramref name="volts"/> across the device: 1 + a₂|V| + a₃V².</summary>
    public double Gain(double volts) => 1 + (A2PerVolt * Math.Abs(volts)) + (A3PerVoltSquared * volts * volts);

    /// <summary>The current per siemens of small-signal conductance at <paramref name="volts"/> (signed) across the
    /// device, in amperes per siemens (volts): V·(1 + a₂|V| + a₃V²).</summary>
    public double CurrentPerSiemens(double volts) => volts * Gain(volts);

    /// <summary>dI/dV per siemens of small-signal conductance at <paramref name="volts"/>: 1 + 2a₂|V| + 3a₃V².</summary>
    public double SlopePerSiemens(double volts) => 1 + (2 * A2PerVolt * Math.Abs(volts)) + (3 * A3PerVoltSquared * volts * volts);

    /// <summary>The current at <paramref name="fraction"/> (signed) of <paramref name="readVolts"/>, in units of
    /// G·V_read: x·(1 + a₂V_read|x| + a₃V_read²x²).</summary>
    public double AtFraction(double fraction, double readVolts) =>
        fraction * (1 + (A2PerVolt * readVolts * Math.Abs(fraction)) + (A3PerVoltSquared * readVolts * readVolts * fraction * fraction));

    /// <summary>d<see cref="AtFraction"/>/dx: 1 + 2a₂V_read|x| + 3a₃V_read²x².</summary>
    public double SlopeAtFraction(double fraction, double readVolts) =>
        1 + (2 * A2PerVolt * readVolts * Math.Abs(fraction)) + (3 * A3PerVoltSquared * readVolts * readVolts * fraction * fraction);
}
