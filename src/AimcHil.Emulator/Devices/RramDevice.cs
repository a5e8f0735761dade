using System.Runtime.Intrinsics;
using AimcHil.Core;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Devices;

/// <summary>A filamentary RRAM device: a finite on/off ratio and level count, Gaussian programming and read noise,
/// a non-linear I–V curve and stuck-at cells; it does not drift.</summary>
/// <remarks>
/// A non-ideality that is not in effect (switched off, or on with a zero parameter) draws nothing from the random
/// stream, so an ideal device leaves the stream exactly where it was.
/// </remarks>
public sealed class RramDevice : IDeviceModel
{
    private readonly RramConfig _config;
    private readonly double _minState;
    private readonly int _levels;
    private readonly double _levelStep;

    public RramDevice(RramConfig? config = null)
    {
        _config = config ?? new RramConfig();
        _config.Validate();
        _minState = _config.FiniteOnOff ? 1.0 / _config.OnOffRatio : 0.0;
        _levels = _config.FiniteLevels ? _config.Levels : 0;
        _levelStep = _levels > 0 ? (1.0 - _minState) / (_levels - 1) : 0.0;
    }

    public RramConfig Config => _config;

    public DeviceTechnology Technology => DeviceTechnology.Rram;

    public double FullScale => _config.GMaxSiemens;

    public string StateUnit => "S";

    public float MinState => (float)_minState;

    public int Levels => _levels;

    public IvNonLinearity NonLinearity => IvInEffect ? new IvNonLinearity(_config.IvA2PerVolt, _config.IvA3PerVoltSquared) : default;

    public bool Drifts => false;

    private bool ProgrammingNoiseInEffect => _config.ProgrammingNoise && _config.ProgrammingSigma > 0;

    private bool ReadNoiseInEffect => _config.ReadNoise && _config.ReadNoiseSigma > 0;

    private bool IvInEffect => _config.IvNonLinearity && (_config.IvA2PerVolt != 0 || _config.IvA3PerVoltSquared != 0);

    private bool StuckAtInEffect => _config.StuckAt && (_config.StuckOnFraction + _config.StuckOffFraction) > 0;

    public float Quantize(float target)
    {
        var clamped = Math.Clamp((double)target, _minState, 1.0);
        if (_levels == 0)
        {
            return (float)clamped;
        }

        // Level k sits at g_min + k·step; computing it from k (not by adding steps) keeps every level exact.
        var k = Math.Round((clamped - _minState) / _levelStep, MidpointRounding.AwayFromZero);
        return (float)(_minState + (k * _levelStep));
    }

    public StuckState DrawStuck(SeededRandom rng)
    {
        if (!StuckAtInEffect)
        {
            return StuckState.None;
        }

        return StuckAtLaw.Draw(_config.StuckOffFraction, _config.StuckOnFraction, rng);
    }

    /// <summary>Always 1: device-to-device spread of RRAM shows up as programming error, which write-verify can correct.</summary>
    public float DrawMismatch(SeededRandom rng) => 1f;

    /// <remarks>
    /// Clipped to [0, <see cref="RramConfig.MaxProgrammedState"/>]: a conductance cannot be negative, and the SET
    /// compliance current caps filament growth. The floor is 0 rather than g_min because the HRS varies widely from
    /// cycle to cycle and a deep RESET can land well below the median g_min.
    /// </remarks>
    public float ProgramOnce(float target, SeededRandom rng)
    {
        if (!ProgrammingNoiseInEffect)
        {
            return target;
        }

        var programmed = target + (_config.ProgrammingSigma * rng.NextGaussian());
        return (float)Math.Clamp(programmed, 0.0, _config.MaxProgrammedState);
    }

    public void ProgramOnce(ReadOnlySpan<float> targets, Span<float> programmed, SeededRandom rng)
    {
        if (!ProgrammingNoiseInEffect)
        {
            targets.CopyTo(programmed);
            return;
        }

        var law = new ProgrammingLaw((float)_config.ProgrammingSigma, (float)_config.MaxProgrammedState);
        BulkGaussianLaw.Apply(law, targets, programmed, rng);
    }

    public float DrawDriftExponent(float target, SeededRandom rng) => 0f;

    public float Drifted(float programmedState, float driftExponent, double secondsSinceProgramming) => programmedState;

    public float ReadNoiseSigma(float programmedState, float state, double secondsSincePulse) =>
        ReadNoiseInEffect ? (float)(_config.ReadNoiseSigma * Math.Abs(state)) : 0f;

    public IReadOnlyList<NonIdeality> Describe() =>
    [
        new(
            "programming_noise",
            ProgrammingNoiseInEffect,
            _config.ProgrammingSigma,
            "fraction of g_max",
            $"Gaussian error per pulse, independent of the target, clipped to [0, {_config.MaxProgrammedState}·g_max]"),
        new(
            "read_noise",
            ReadNoiseInEffect,
            _config.ReadNoiseSigma,
            "fraction of state",
            "Gaussian error per read, proportional to the state, not growing with time"),
        new(
            "finite_on_off",
            _config.FiniteOnOff,
            _config.OnOffRatio,
            "g_max/g_min",
            "a fully RESET device still conducts g_max/ratio, the lowest programmable state"),
        new(
            "finite_levels",
            _levels > 0,
            _config.Levels,
            "levels",
            "programmable conductances evenly spaced from g_min to g_max"),
        new(
            "iv_nonlinearity",
            IvInEffect,
            _config.IvA3PerVoltSquared,
            "1/V^2",
            $"I = G·V·(1 + a2·|V| + a3·V²), V across the device in volts, a2 = {_config.IvA2PerVolt} /V, a3 = {_config.IvA3PerVoltSquared} /V²"),
        new(
            "stuck_at",
            StuckAtInEffect,
            _config.StuckOnFraction + _config.StuckOffFraction,
            "fraction",
            $"devices pinned at g_max ({_config.StuckOnFraction}) or at the bottom of the range ({_config.StuckOffFraction}), fixed at manufacture"),
    ];

    /// <summary>One pulse: target + σ·ξ clipped to [0, max programmed state].</summary>
    private readonly struct ProgrammingLaw(float sigma, float maxProgrammedState) : IGaussianLaw
    {
        public float Apply(float target, float standardNormal) => Math.Clamp(target + (sigma * standardNormal), 0f, maxProgrammedState);

        public Vector256<float> Apply(Vector256<float> targets, Vector256<float> standardNormals) =>
            Vector256.Min(Vector256.Max(targets + (standardNormals * sigma), Vector256<float>.Zero), Vector256.Create(maxProgrammedState));
    }
}
