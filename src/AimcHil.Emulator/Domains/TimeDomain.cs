using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Mapping;
using AimcHil.Emulator.Periphery;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Domains;

/// <summary>Time domain: a delay chain per column, stage delay τ_ij = τ0 + Δτ·x_i·w_ij (w from a differential device
/// pair), T_j = N·τ0 + Δτ Σᵢ x_i w_ij; a time-to-digital converter measures T_j against a replica chain of N·τ0.</summary>
/// <remarks>Jitter accumulates with delay: a chain of total delay T jitters by κ·√T, and the TDC sees both chains, so
/// one measured difference has variance κ²·(T_j + N·τ0) = κ²·(2N·τ0 + Δτ·y_j) with y_j = (T_j − N·τ0)/Δτ the output
/// in conversion units (τ0 mismatch included, as the column offset it is).</remarks>
public sealed class TimeDomain : DomainPhysics
{
    private readonly TimeDomainConfig _config;
    private readonly DifferentialPairEncoding _pair;

    public TimeDomain(ChipPreset preset, IDeviceModel device)
        : base(preset, device, new DifferentialPairEncoding(device))
    {
        _config = preset.TimeDomain ?? new TimeDomainConfig();
        if (_config.DelayRangeSeconds > _config.StageDelaySeconds)
        {
            throw new AimcException($"time_domain.delay_range_seconds ({_config.DelayRangeSeconds:g3}) must not exceed stage_delay_seconds ({_config.StageDelaySeconds:g3}): a stage cannot have a negative delay");
        }

        _pair = (DifferentialPairEncoding)Encoding;
    }

    public override ComputationDomain Domain => ComputationDomain.TimeDomain;

    public override string InputUnit => "1";

    public override double InputFullScale => 1;

    public override string OutputUnit => "s";

    public override double OutputPerUnit => _config.DelayRangeSeconds;

    internal override void DrawPattern(TileState tile, SeededRandom fab)
    {
        if (_config.DelayMismatchSigma == 0)
        {
            return;
        }

        var n = tile.Rows * tile.Cols;
        var baseDelay = new float[n];
        var range = new float[n];
        for (var k = 0; k < n; k++)
        {
            baseDelay[k] = (float)(_config.DelayMismatchSigma * fab.NextGaussian());
            range[k] = (float)(_config.DelayMismatchSigma * fab.NextGaussian());
        }

        tile.DomainPattern["tau0_mismatch"] = baseDelay;
        tile.DomainPattern["delta_tau_mismatch"] = range;
    }

    internal override LinearCore Build(TileState tile, float[][] states, double ageSeconds)
    {
        int rows = tile.Rows, cols = tile.Cols;
        var core = new LinearCore(rows, cols);
        tile.DomainPattern.TryGetValue("tau0_mismatch", out var baseMismatch);
        tile.DomainPattern.TryGetValue("delta_tau_mismatch", out var rangeMismatch);
        var tau0InUnits = _config.StageDelaySeconds / _config.DelayRangeSeconds;
        for (var k = 0; k < rows * cols; k++)
        {
            var w = ((states[0][k] * tile.Mismatch[0][k]) - (states[1][k] * tile.Mismatch[1][k])) / _pair.Span;
            core.Weights[k] = w * (1 + (rangeMismatch?[k] ?? 0));
            if (baseMismatch is not null)
            {
                // Every stage's τ0 error adds to its column's delay whatever the input: a static offset.
                core.ColumnOffset[k % cols] += (float)(tau0InUnits * baseMismatch[k]);
            }
        }

        // σ²/Δτ² = κ²·2N·τ0/Δτ² (the replica chain and the column's N·τ0) + (κ²/Δτ)·y (the column's Δτ·y beyond it).
        var kappa = _config.JitterKappaRootSeconds;
        core.OutputNoiseSigma = (float)(kappa * Math.Sqrt(2 * rows * _config.StageDelaySeconds) / _config.DelayRangeSeconds);
        core.OutputNoiseVariancePerUnit = (float)(kappa * kappa / _config.DelayRangeSeconds);
        return core;
    }

    public override Adc CreateAdc() => new(Preset.Adc.Bits, Preset.Adc.RangeMac, unipolar: false, Preset.Adc.InlPeakLsb);

    /// <remarks>A chain of N stages differs from its replica by at most Δτ·N (every |x·w| = 1), which is N MAC: a TDC
    /// whose top code lies beyond that has codes no input can reach.</remarks>
    public override void CheckRanges(Adc adc)
    {
        var rows = Preset.Rows;
        if (UnreachableTopMac(adc, rows) is { } top)
        {
            throw new AimcException(
                $"time_domain: the TDC's top code is {top:g4} MAC = {top * _config.DelayRangeSeconds:g4} s (adc.range_mac {adc.FullScale:g4}), beyond the largest delay difference " +
                $"Δτ·rows = {rows * _config.DelayRangeSeconds:g4} s ({rows} MAC) a chain of {rows} stages can produce: its top codes are unreachable; lower adc.range_mac to at most {rows}");
        }
    }

    public override IEnumerable<NonIdeality> Describe() =>
    [
        Effect("delay_mismatch", _config.DelayMismatchSigma > 0, _config.DelayMismatchSigma, "relative", "fixed-pattern mismatch of each stage's τ0 and Δτ"),
        Effect("jitter", _config.JitterKappaRootSeconds > 0, _config.JitterKappaRootSeconds, "√s", "thermal jitter κ: σ_T = κ·√(T_column + T_replica) = κ·√(2N·τ0 + Δτ·Σ x w) per evaluation"),
    ];
}
