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
