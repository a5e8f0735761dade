namespace AimcHil.Core;

/// <summary>How programming iterates: program, read, compare, repeat until within tolerance or out of pulses.</summary>
/// <param name="Enabled">false: one programming pulse per cell, no verify read.</param>
/// <param name="Tolerance">Accepted |read − target| as a fraction of the device's full state range.</param>
/// <param name="MaxPulsesPerCell">Pulse budget per device; a device still out of tolerance after it is reported unconverged.</param>
public sealed record WriteVerifyOptions(bool Enabled, double Tolerance, int MaxPulsesPerCell)
{
    /// <summary>A single programming pulse per device, as a naive deployment does.</summary>
    public static WriteVerifyOptions SinglePulse { get; } = new(false, 0, 1);

    /// <summary>Write-verify to 2 % of range with at most 20 pulses per device.</summary>
    public static WriteVerifyOptions Default { get; } = new(true, 0.02, 20);
}
