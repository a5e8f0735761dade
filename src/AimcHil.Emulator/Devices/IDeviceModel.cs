using AimcHil.Core;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Devices;

/// <summary>A memory device's physics, independent of the computation domain that uses it.</summary>
/// <remarks>
/// States are normalized to the device's full scale (g / g_max for conductance devices) and lie in [0, 1]; the
/// domain decides what a state means (a conductance, a capacitance, a delay). Every random draw goes through the
/// <see cref="SeededRandom"/> passed in, so the chip is deterministic for a seed.
/// </remarks>
public interface IDeviceModel
{
    DeviceTechnology Technology { get; }

    /// <summary>Physical state at normalized 1.0, in <see cref="StateUnit"/>.</summary>
    double FullScale { get; }

    string StateUnit { get; }

    /// <summary>Lowest state a device can be programmed to (1 / on-off ratio); 0 for a perfect off state.</summary>
    float MinState { get; }

    /// <summary>Distinct states a device can hold; 0 for an analog continuum.</summary>
    int Levels { get; }

    /// <summary>I–V non-linearity of one device (zero for linear devices).</summary>
    IvNonLinearity NonLinearity { get; }

    /// <summary>Whether programmed states can drift at all; when false every drift exponent is 0 and none is drawn.</summary>
    bool Drifts => true;

    /// <summary>The nearest state the device can actually hold to <paramref name="target"/> (clamped to [MinState, 1]).</summary>
    float Quantize(float target);

    /// <summary>Bulk form of <see cref="Quantize(float)"/>; <paramref name="quantized"/> may be <paramref name="targets"/> itself.</summary>
    void Quantize(ReadOnlySpan<float> targets, Span<float> quantized)
    {
        for (var k = 0; k < targets.Length; k++)
        {
            quantized[k] = Quantize(targets[k]);
        }
    }

    /// <summary>Fixed-pattern defect of one device, drawn once when the chip is made.</summary>
    StuckState DrawStuck(SeededRandom rng);

    /// <summary>Fixed-pattern multiplicative strength of one device (1 = nominal), drawn once when the chip is made.</summary>
    float DrawMismatch(SeededRandom rng);

    /// <summary>One programming attempt aimed at an already quantized target; returns the state right after it.</summary>
    float ProgramOnce(float target, SeededRandom rng);

    /// <summary>Bulk form of <see cref="ProgramOnce(float, SeededRandom)"/>, one pulse per device (the hot path of a
    /// single-pulse write); <paramref name="programmed"/> may be <paramref name="targets"/> itself.</summary>
    /// <remarks>The same law as per-device pulses, but not necessarily the same draws from the stream.</remarks>
    void ProgramOnce(ReadOnlySpan<float> targets, Span<float> programmed, SeededRandom rng)
    {
        for (var k = 0; k < targets.Length; k++)
        {
            programmed[k] = ProgramOnce(targets[k], rng);
        }
    }

    /// <summary>Drift exponent ν of a freshly programmed device (0 for devices that do not drift).</summary>
    float DrawDriftExponent(float target, SeededRandom rng);

    /// <summary>Bulk form of <see cref="DrawDriftExponent"/>; <paramref name="exponents"/> may be <paramref name="targets"/> itself.</summary>
    /// <remarks>The same law as per-device draws, but not necessarily the same draws from the stream.</remarks>
    void DrawDriftExponents(ReadOnlySpan<float> targets, Span<float> exponents, SeededRandom rng)
    {
        for (var k = 0; k < targets.Length; k++)
        {
            exponents[k] = DrawDriftExponent(targets[k], rng);
        }
    }

    /// <summary>State after drifting for <paramref name="secondsSinceProgramming"/>.</summary>
    float Drifted(float programmedState, float driftExponent, double secondsSinceProgramming);

    /// <summary>Standard deviation (normalized) of one read of a device whose state is <paramref name="state"/>, taken
    /// <paramref name="secondsSincePulse"/> after its programming pulse.</summary>
    float ReadNoiseSigma(float programmedState, float state, double secondsSincePulse);

    /// <summary>Time after its programming pulse from which a device counts as programmed and inference reads
    /// happen (a PCM device's t0): an inference read at device age a is a + this after the pulse.</summary>
    double SettlingSeconds => 0;

    /// <summary>Fraction of a read's noise variance that is independent from one read to the next when every read
    /// lasts <paramref name="readSeconds"/>; the rest is a per-device component that reads close in time share.</summary>
    double ReadNoiseWhiteFraction(double secondsSincePulse, double readSeconds) => 1;

    /// <summary>Correlation of the shared (held) read-noise component between reads at two times after the pulse.</summary>
    double ReadNoiseCorrelation(double earlierSecondsSincePulse, double laterSecondsSincePulse, double readSeconds) => 0;

    /// <summary>Bulk form of <see cref="ReadNoiseSigma"/> over a whole device array (hot when a tile is rebuilt).</summary>
    void ReadNoiseSigmas(ReadOnlySpan<float> programmedStates, ReadOnlySpan<float> states, double secondsSincePulse, Span<float> sigmas)
    {
        for (var k = 0; k < states.Length; k++)
        {
            sigmas[k] = ReadNoiseSigma(programmedStates[k], states[k], secondsSincePulse);
        }
    }

    /// <summary>The device's non-idealities as they are in effect, for <c>aimc info</c>.</summary>
    IReadOnlyList<NonIdeality> Describe();
}

/// <summary>A device defect that pins it at one end of its range whatever is programmed.</summary>
public enum StuckState
{
    None,
    StuckOff,
    StuckOn,
}

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
