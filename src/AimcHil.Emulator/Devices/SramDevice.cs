using AimcHil.Core;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Devices;

/// <summary>A binary SRAM bit cell that switches a unit capacitor: digital, exact writes, no drift and no read noise;
/// its only analog error is the fixed-pattern mismatch of the capacitor.</summary>
/// <remarks>
/// A non-ideality that is not in effect (switched off, or on with a zero parameter) draws nothing from the random
/// stream, so an ideal cell leaves the stream exactly where it was.
/// </remarks>
public sealed class SramDevice : IDeviceModel
{
    private readonly SramConfig _config;

    public SramDevice(SramConfig? config = null)
    {
        _config = config ?? new SramConfig();
        _config.Validate();
    }

    public SramConfig Config => _config;

    public DeviceTechnology Technology => DeviceTechnology.Sram;

    /// <summary>The unit capacitance, because a stored 1 contributes one unit capacitor to the charge sum.</summary>
    public double FullScale => _config.UnitCapacitanceFarad;

    public string StateUnit => "F";

    public float MinState => 0f;

    public int Levels => 2;

    public IvNonLinearity NonLinearity => default;

    public bool Drifts => false;

    private bool MismatchInEffect => _config.CellMismatch && _config.MismatchSigma > 0;

    private bool StuckAtInEffect => _config.StuckAt && (_config.StuckOnFraction + _config.StuckOffFraction) > 0;

    /// <remarks>0.5 itself becomes 1, the usual round-half-up of a write driver's threshold.</remarks>
    public float Quantize(float target) => target >= 0.5f ? 1f : 0f;

    public StuckState DrawStuck(SeededRandom rng)
    {
        if (!StuckAtInEffect)
        {
            return StuckState.None;
        }

        return StuckAtLaw.Draw(_config.StuckOffFraction, _config.StuckOnFraction, rng);
    }

    /// <remarks>Floored at 0 because a capacitor cannot have negative capacitance, which only matters for absurd σ.</remarks>
    public float DrawMismatch(SeededRandom rng)
    {
        if (!MismatchInEffect)
        {
            return 1f;
        }

        return (float)Math.Max(1.0 + (_config.MismatchSigma * rng.NextGaussian()), 0.0);
    }

    /// <summary>A digital write: the cell stores exactly the bit it is given.</summary>
    public float ProgramOnce(float target, SeededRandom rng) => Quantize(target);

    public float DrawDriftExponent(float target, SeededRandom rng) => 0f;

    public float Drifted(float programmedState, float driftExponent, double secondsSinceProgramming) => programmedState;

    public float ReadNoiseSigma(float programmedState, float state, double secondsSincePulse) => 0f;

    public IReadOnlyList<NonIdeality> Describe() =>
    [
        new(
            "cell_mismatch",
            MismatchInEffect,
            _config.MismatchSigma,
            "fraction of C_unit",
            "fixed-pattern Gaussian spread of each cell's unit capacitor, drawn once per chip"),
        new(
            "stuck_at",
            StuckAtInEffect,
            _config.StuckOnFraction + _config.StuckOffFraction,
            "fraction",
            $"bits stuck at 1 ({_config.StuckOnFraction}) or at 0 ({_config.StuckOffFraction}), fixed at manufacture"),
    ];
}
