using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using AimcHil.Core;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Devices;

/// <summary>A phase-change memory device: programming noise, conductance drift and accumulated 1/f read noise as
/// fitted by IBM on real PCM arrays (aihwkit PCMLikeNoiseModel).</summary>
/// <remarks>
/// A non-ideality that is not in effect (switched off, or on with a zero scale or fraction) draws nothing from the
/// random stream, so an ideal device leaves the stream exactly where it was.
/// </remarks>
public sealed class PcmDevice : IDeviceModel
{
    // σ_prog polynomial in g_T/g_max, in µS, fitted on devices with g_max = 25 µS (Nandakumar et al., ICECS 2019).
    private const double ProgC0MicroSiemens = 0.26348;
    private const double ProgC1MicroSiemens = 1.9650;
    private const double ProgC2MicroSiemens = -1.1731;
    private const double ProgFitGMaxMicroSiemens = 25.0;

    // aihwkit clamps g/g_max here before the log, so a target of 0 gets the most drift the fit allows, not NaN.
    private const double DriftLogFloorState = 1e-7;

    private const double ReadNoiseQsNumerator = 0.0088;
    private const double ReadNoiseQsExponent = 0.65;
    private const double ReadNoiseQsDenominatorFloor = 1e-3;
    private const double ReadNoiseQsMax = 0.2;

    private readonly PcmConfig _config;

    public PcmDevice(PcmConfig? config = null)
    {
        _config = config ?? new PcmConfig();
        _config.Validate();
    }

    public PcmConfig Config => _config;

    public DeviceTechnology Technology => DeviceTechnology.Pcm;

    public double FullScale => _config.GMaxSiemens;

    public string StateUnit => "S";

    public float MinState => 0f;

    public int Levels => 0;

    public IvNonLinearity NonLinearity => default;

    public bool Drifts => DriftInEffect;

    private bool ProgrammingNoiseInEffect => _config.ProgrammingNoise && _config.ProgrammingNoiseScale > 0;

    private bool DriftInEffect => _config.Drift && _config.DriftScale > 0;

    private bool ReadNoiseInEffect => _config.ReadNoise && _config.ReadNoiseScale > 0;

    private bool StuckAtInEffect => _config.StuckAt && (_config.StuckOnFraction + _config.StuckOffFraction) > 0;

    /// <summary>Mean of the Gaussian the drift exponent is folded from, for a device programmed to <paramref name="targetState"/>.</summary>
    public static double DriftExponentMean(double targetState) => DriftExponentMeanAt(DriftLogState(targetState));

    /// <summary>Standard deviation of the Gaussian the drift exponent is folded from.</summary>
    public static double DriftExponentSigma(double targetState) => DriftExponentSigmaAt(DriftLogState(targetState));

    /// <summary>Standard deviation of one programming pulse's error, normalized to g_max, including the configured scale.</summary>
    /// <remarks>
    /// The fit is in µS for g_max = 25 µS; aihwkit rescales it by g_max / 25 µS, i.e. the relative error is what
    /// carries over to a device with another g_max, so the normalized σ does not depend on <see cref="PcmConfig.GMaxSiemens"/>.
    /// </remarks>
    public double ProgrammingSigma(double targetState)
    {
        if (!ProgrammingNoiseInEffect)
        {
            return 0;
        }

        var sigmaMicroSiemens = ProgC0MicroSiemens + (targetState * (ProgC1MicroSiemens + (targetState * ProgC2MicroSiemens)));
        return _config.ProgrammingNoiseScale * sigmaMicroSiemens / ProgFitGMaxMicroSiemens;
    }

    /// <summary>Read-noise shape factor Q_s for a device programmed to <paramref name="programmedState"/> (before the time term).</summary>
    public static double ReadNoiseQs(double programmedState)
    {
        // The floor keeps an unprogrammed (g = 0) device finite; the cap then applies, as in aihwkit.
        var denominator = Math.Max(Math.Pow(Math.Abs(programmedState), ReadNoiseQsExponent), ReadNoiseQsDenominatorFloor);
        return Math.Min(ReadNoiseQsNumerator / denominator, ReadNoiseQsMax);
    }

    public float Quantize(float target) => Math.Clamp(target, 0f, 1f);

    public void Quantize(ReadOnlySpan<float> targets, Span<float> quantized)
    {
        TensorPrimitives.Max(targets, 0f, quantized);
        TensorPrimitives.Min(quantized[..targets.Length], 1f, quantized);
    }

    public StuckState DrawStuck(SeededRandom rng)
    {
        if (!StuckAtInEffect)
        {
            return StuckState.None;
        }

        return StuckAtLaw.Draw(_config.StuckOffFraction, _config.StuckOnFraction, rng);
    }

    /// <summary>Always 1: the fit's programming noise already contains device-to-device variation.</summary>
    public float DrawMismatch(SeededRandom rng) => 1f;

    /// <remarks>
    /// Clipped at 0 because a conductance cannot be negative, but not above 1: as in aihwkit, an overshoot past g_max
    /// is a real device state (g_max is the mapping's full scale, not the device's physical ceiling).
    /// </remarks>
    public float ProgramOnce(float target, SeededRandom rng)
    {
        if (!ProgrammingNoiseInEffect)
        {
            return target;
        }

        var programmed = target + (ProgrammingSigma(target) * rng.NextGaussian());
        return (float)Math.Max(programmed, 0.0);
    }

    public void ProgramOnce(ReadOnlySpan<float> targets, Span<float> programmed, SeededRandom rng)
    {
        if (!ProgrammingNoiseInEffect)
        {
            targets.CopyTo(programmed);
            return;
        }

        var scale = _config.ProgrammingNoiseScale / ProgFitGMaxMicroSiemens;
        var law = new ProgrammingLaw((float)(scale * ProgC0MicroSiemens), (float)(scale * ProgC1MicroSiemens), (float)(scale * ProgC2MicroSiemens));
        BulkGaussianLaw.Apply(law, targets, programmed, rng);
    }

    /// <remarks>ν = |μ_ν + σ_ν·ξ| is a folded normal; μ_ν and σ_ν depend on the target, not on the programmed state.</remarks>
    public float DrawDriftExponent(float target, SeededRandom rng)
    {
        if (!DriftInEffect)
        {
            return 0f;
        }

        return FoldedDriftExponent(target, rng.NextGaussian(), _config.DriftScale);
    }

    public void DrawDriftExponents(ReadOnlySpan<float> targets, Span<float> exponents, SeededRandom rng)
    {
        if (!DriftInEffect)
        {
            exponents[..targets.Length].Clear();
            return;
        }

        BulkGaussianLaw.Apply(new DriftLaw(_config.DriftScale), targets, exponents, rng);
    }

    /// <remarks>
    /// g(t) = g_prog·((t + t0)/t0)^−ν with t counted from programming, the aihwkit convention (its t_inference): the
    /// programmed state is the one read at t0 after programming, so no time has passed at t = 0.
    /// </remarks>
    public float Drifted(float programmedState, float driftExponent, double secondsSinceProgramming)
    {
        if (!DriftInEffect || secondsSinceProgramming <= 0)
        {
            return programmedState;
        }

        var t0 = _config.T0Seconds;
        return (float)(programmedState * Math.Pow((secondsSinceProgramming + t0) / t0, -(double)driftExponent));
    }

    /// <summary>Vectorized: the 1/f band is one number for the whole array, Q_s one power per device.</summary>
    public void ReadNoiseSigmas(ReadOnlySpan<float> programmedStates, ReadOnlySpan<float> states, double secondsSincePulse, Span<float> sigmas)
    {
        var probe = ReadNoiseSigma(1f, 1f, secondsSincePulse);
        if (probe == 0)
        {
            sigmas[..states.Length].Clear();
            return;
        }

        // σ = |g|·scale·Q_s(g_prog)·band with Q_s = min(0.0088 / max(|g_prog|^0.65, 1e-3), 0.2); probe = scale·0.0088·band.
        // The 1e-3 floor never binds once the cap has (0.0088 / 1e-3 > 0.2), so Q_s / 0.0088 = min(|g_prog|^−0.65,
        // 0.2 / 0.0088), and g_prog = 0 lands on the cap. One fused pass: this runs on every rebuild of a tile.
        var scale = Vector256.Create(probe);
        var width = Vector256<float>.Count;
        var k = 0;
        for (; k <= states.Length - width; k += width)
        {
            ReadNoiseSigmas(Vector256.Create(programmedStates[k..]), Vector256.Create(states[k..]), scale).CopyTo(sigmas[k..]);
        }

        if (k < states.Length)
        {
            ReadNoiseSigmasTail(programmedStates[k..states.Length], states[k..], scale, sigmas[k..states.Length]);
        }
    }

    /// <remarks>
    /// σ = |state|·Q_s(g_prog)·sqrt(ln((t + t_read)/(2·t_read))), t the time since the programming pulse: the 1/f
    /// noise integrated over the band from 1/(t + t_read) to 1/(2·t_read). The band is empty for t ≤ t_read, where
    /// the logarithm is ≤ 0 and the formula has no meaning, so the result is 0 there. Q_s follows the programmed
    /// state, the relative spread the drifted state, as in aihwkit. A verify read a pulse time after its pulse sees
    /// the short band of that moment; an inference read at device age a happens at t = a + t0
    /// (<see cref="SettlingSeconds"/>), aihwkit's t_inference + t0.
    /// </remarks>
    public float ReadNoiseSigma(float programmedState, float state, double secondsSincePulse)
    {
        if (!ReadNoiseInEffect)
        {
            return 0f;
        }

        var bandLog = NoiseBand(secondsSincePulse);
        if (!(bandLog > 0))
        {
            return 0f;
        }

        return (float)(Math.Abs(state) * _config.ReadNoiseScale * ReadNoiseQs(programmedState) * Math.Sqrt(bandLog));
    }

    /// <summary>aihwkit's t0: the programmed state is the one read t0 after the pulse, and inference reads happen
    /// from then on.</summary>
    public double SettlingSeconds => _config.T0Seconds;

    /// <remarks>
    /// 1/f noise has equal power in every octave, so what a sequence of reads sees depends on how long each read
    /// takes. Fluctuations faster than one read (the band from 1/T_read to 1/(2·t_read), T_read = <paramref
    /// name="readSeconds"/>) are independent from one read to the next: ln(T_read/(2·t_read)) of the band's
    /// ln((t + t_read)/(2·t_read)). The slower rest is the same for reads close together: averaging many reads does
    /// not remove it.
    /// </remarks>
    public double ReadNoiseWhiteFraction(double secondsSincePulse, double readSeconds)
    {
        var band = NoiseBand(secondsSincePulse);
        if (!(band > 0))
        {
            return 1;
        }

        var white = Math.Log(Math.Max(readSeconds, 2 * _config.TReadSeconds) / (2 * _config.TReadSeconds));
        return Math.Clamp(white / band, 0, 1);
    }

    /// <remarks>
    /// The held part at time t spans the band from 1/(t + t_read) to 1/T_read. Between reads at t₁ before t₂ the octaves
    /// slower than 1/(t₂ − t₁) have not moved, those faster have renewed, and t₂ adds the octaves between
    /// 1/(t₂ + t_read) and 1/(t₁ + t_read): covariance ln((t₁ + t_read)/max(t₂ − t₁, T_read)) (in units of the
    /// squared Q_s·|g|), over the product of the two held standard deviations.
    /// </remarks>
    public double ReadNoiseCorrelation(double earlierSecondsSincePulse, double laterSecondsSincePulse, double readSeconds)
    {
        var tRead = _config.TReadSeconds;
        var window = Math.Max(readSeconds, 2 * tRead);
        var held1 = Math.Log((earlierSecondsSincePulse + tRead) / window);
        var held2 = Math.Log((laterSecondsSincePulse + tRead) / window);
        if (!(held1 > 0) || !(held2 > 0))
        {
            return 0;
        }

        var shared = Math.Log((earlierSecondsSincePulse + tRead) / Math.Max(laterSecondsSincePulse - earlierSecondsSincePulse, window));
        return Math.Clamp(shared / Math.Sqrt(held1 * held2), 0, 1);
    }

    /// <summary>ln((t + t_read)/(2·t_read)): the logarithmic width of the 1/f band a read at t integrates.</summary>
    private double NoiseBand(double secondsSincePulse) =>
        Math.Log((Math.Max(secondsSincePulse, 0) + _config.TReadSeconds) / (2 * _config.TReadSeconds));

    public IReadOnlyList<NonIdeality> Describe() =>
    [
        new(
            "programming_noise",
            ProgrammingNoiseInEffect,
            _config.ProgrammingNoiseScale,
            "× fit",
            "Gaussian error per pulse, σ_prog = (0.26348 + 1.9650·g − 1.1731·g²)·g_max/25 µS (g = g_T/g_max), clipped at 0"),
        new(
            "drift",
            DriftInEffect,
            _config.DriftScale,
            "× fit",
            $"g(t) = g_prog·((t + t0)/t0)^−ν, t0 = {_config.T0Seconds} s, ν = |μ_ν + σ_ν·ξ| with μ_ν ∈ [0.049, 0.1], σ_ν ∈ [0.008, 0.045] from the target"),
        new(
            "read_noise",
            ReadNoiseInEffect,
            _config.ReadNoiseScale,
            "× fit",
            $"accumulated 1/f noise, σ = |g|·Q_s·sqrt(ln((t + t_read)/(2·t_read))), Q_s = min(0.0088/(g_prog/g_max)^0.65, 0.2), t_read = {_config.TReadSeconds} s, t = age + t0 (verify reads: a pulse time); octaves slower than one read are held per device, the rest is white"),
        new(
            "stuck_at",
            StuckAtInEffect,
            _config.StuckOnFraction + _config.StuckOffFraction,
            "fraction",
            $"devices pinned at g_max ({_config.StuckOnFraction}) or at 0 ({_config.StuckOffFraction}), fixed at manufacture"),
    ];

    private static double DriftLogState(double targetState) => Math.Log(Math.Max(Math.Abs(targetState), DriftLogFloorState));

    private static double DriftExponentMeanAt(double logState) => Math.Clamp((-0.0155 * logState) + 0.0244, 0.049, 0.1);

    private static double DriftExponentSigmaAt(double logState) => Math.Clamp((-0.0125 * logState) - 0.0059, 0.008, 0.045);

    /// <summary>ν = |μ_ν + σ_ν·ξ|·scale, with one logarithm of the target for both μ_ν and σ_ν.</summary>
    private static float FoldedDriftExponent(float target, double standardNormal, double driftScale)
    {
        var logState = DriftLogState(target);
        var nu = Math.Abs(DriftExponentMeanAt(logState) + (DriftExponentSigmaAt(logState) * standardNormal));
        return (float)(nu * driftScale);
    }

    /// <summary>One pulse: target + σ_prog(target)·ξ clipped at 0, σ_prog's coefficients already normalized and scaled.</summary>
    private readonly struct ProgrammingLaw(float c0, float c1, float c2) : IGaussianLaw
    {
        public float Apply(float target, float standardNormal) =>
            Math.Max(target + ((c0 + (target * (c1 + (target * c2)))) * standardNormal), 0f);

        public Vector256<float> Apply(Vector256<float> targets, Vector256<float> standardNormals) =>
            Vector256.Max(targets + ((Vector256.Create(c0) + (targets * (Vector256.Create(c1) + (targets * c2)))) * standardNormals), Vector256<float>.Zero);
    }

    /// <summary>σ = |g|·probe·min(|g_prog|^−0.65, cap) for eight devices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ReadNoiseSigmas(Vector256<float> programmedStates, Vector256<float> states, Vector256<float> probe)
    {
        var qs = VectorPower.Pow(Vector256.Abs(programmedStates), -(float)ReadNoiseQsExponent);
        return Vector256.Min(qs, Vector256.Create((float)(ReadNoiseQsMax / ReadNoiseQsNumerator))) * Vector256.Abs(states) * probe;
    }

    /// <summary>The last few devices through the same vector law, zero-padded, so every device gets the same arithmetic.</summary>
    private static void ReadNoiseSigmasTail(ReadOnlySpan<float> programmedStates, ReadOnlySpan<float> states, Vector256<float> probe, Span<float> sigmas)
    {
        Span<float> programmedTail = stackalloc float[Vector256<float>.Count];
        Span<float> statesTail = stackalloc float[Vector256<float>.Count];
        programmedStates.CopyTo(programmedTail);
        states.CopyTo(statesTail);
        var tail = ReadNoiseSigmas(Vector256.Create(programmedTail), Vector256.Create(statesTail), probe);
        for (var k = 0; k < sigmas.Length; k++)
        {
            sigmas[k] = tail.GetElement(k);
        }
    }

    private readonly struct DriftLaw(double driftScale) : IGaussianLaw
    {
        public float Apply(float target, float standardNormal) => FoldedDriftExponent(target, standardNormal, driftScale);

        public Vector256<float> Apply(Vector256<float> targets, Vector256<float> standardNormals) =>
            BulkGaussianLaw.ByLane(this, targets, standardNormals);
    }
}
