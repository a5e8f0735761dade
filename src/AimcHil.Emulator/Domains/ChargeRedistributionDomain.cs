using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Mapping;
using AimcHil.Emulator.Periphery;

namespace AimcHil.Emulator.Domains;

/// <summary>Charge redistribution: per input bit p and weight bit b, each cell charges its unit capacitor C_u to
/// V_DD·(x_i,p AND w_ij,b); shorting the column gives V = C_u V_DD Σᵢ p_i / (N C_u + C_par), which the column ADC
/// reads as a count of ones. Counts are recombined digitally with weights ±2^(p+b) (top bits negative).</summary>
public sealed class ChargeRedistributionDomain : DomainPhysics
{
    private readonly ChargeRedistributionConfig _config;
    private readonly BitSlicedEncoding _bits;

    public ChargeRedistributionDomain(ChipPreset preset, IDeviceModel device)
        : this(preset, device, preset.ChargeRedistribution ?? new ChargeRedistributionConfig())
    {
    }

    private ChargeRedistributionDomain(ChipPreset preset, IDeviceModel device, ChargeRedistributionConfig config)
        : base(preset, device, new BitSlicedEncoding(WeightEncoding.TwosComplementBits, config.WeightBits))
    {
        _config = config;
        _bits = (BitSlicedEncoding)Encoding;
    }

    public override ComputationDomain Domain => ComputationDomain.ChargeRedistribution;

    public override int ConversionsPerOutput => _bits.Bits;

    public override int Phases => Preset.Dac.Bits;

    public override double MacPerUnit => 1.0 / ((double)_bits.MaxMagnitude * InputCodeMax);

    public override string InputUnit => "V";

    public override double InputFullScale => _config.VddVolts;

    public override string OutputUnit => "V";

    /// <summary>Volts per count of ones on a column without parasitics: V_DD / N.</summary>
    public override double OutputPerUnit => _config.VddVolts / Preset.Rows;

    public double KtcSigmaVolts => KtcNoiseVolts(_config.TemperatureKelvin, (Preset.Rows * Device.FullScale) + _config.ParasiticCapacitanceFarad);

    /// <summary>Counts span 0 … min(rows, 2^bits − 1) (a column of N cells holds at most N ones; the ADC clips above
    /// its top code), so the recombined output spans ±counts·Q·M codes and ±counts MAC.</summary>
    public override (int Min, int Max, double MacFullScale) OutputRange(Adc adc)
    {
        var counts = Math.Min(Preset.Rows, adc.CodeMax);
        var bound = counts * _bits.MaxMagnitude * InputCodeMax;
        return (-bound, bound, counts);
    }

    /// <summary>A unipolar ADC whose LSB is one unit capacitor's share V_DD/N, counts 0 … 2^bits − 1.</summary>
    public override Adc CreateAdc() => new(Preset.Adc.Bits, (1 << Preset.Adc.Bits) - 1, unipolar: true, Preset.Adc.InlPeakLsb);

    /// <remarks>A column of N cells shares V_DD over N unit capacitors, so it never exceeds V_DD (N ones): an ADC that
    /// counts past N shares has a full scale above V_DD and codes no column can reach.</remarks>
    public override void CheckRanges(Adc adc)
    {
        var rows = Preset.Rows;
        if (adc.CodeMax > rows)
        {
            var fits = System.Numerics.BitOperations.Log2((uint)rows + 1);
            throw new AimcException(
                $"charge_redistribution: adc.bits {adc.Bits} counts 0 … {adc.CodeMax} shares of V_DD/{rows}, a full scale of {adc.CodeMax * OutputPerUnit:g4} V above V_DD = {_config.VddVolts:g4} V, " +
                $"which a column of {rows} rows never exceeds (codes {rows + 1} … {adc.CodeMax} are unreachable); use adc.bits {fits} for {rows} rows, or at least {adc.CodeMax} rows for {adc.Bits} bits");
        }
    }

    public override long Recombination(int phase, int sub) =>
        (long)(BitSlicedEncoding.TwosComplementSignificance(phase, Phases) * _bits.BitSignificance(sub));

    public override void InputFeatures(int phase, ReadOnlySpan<int> codes, Span<float> features)
    {
        var mask = (1 << Phases) - 1;
        for (var k = 0; k < codes.Length; k++)
        {
            features[k] = ((codes[k] & mask) >> phase) & 1;
        }
    }

    internal override LinearCore Build(TileState tile, float[][] states, double ageSeconds)
    {
        int rows = tile.Rows, cols = tile.Cols, bits = _bits.Bits;
        var core = new LinearCore(rows, cols * bits);
        var parasiticUnits = _config.ParasiticCapacitanceFarad / Device.FullScale;
        for (var j = 0; j < cols; j++)
        {
            for (var b = 0; b < bits; b++)
            {
                // All N unit capacitors of the line share the charge, whatever their products.
                double total = parasiticUnits;
                for (var i = 0; i < rows; i++)
                {
                    total += tile.Mismatch[b][(i * cols) + j];
                }

                var c = (j * bits) + b;
                for (var i = 0; i < rows; i++)
                {
                    var k = (i * cols) + j;
                    var bit = states[b][k] >= 0.5f ? 1f : 0f;
                    core.Weights[(i * core.Conversions) + c] = (float)(bit * tile.Mismatch[b][k] * rows / total);
                }
            }
        }

        if (_config.KtcNoise)
        {
            core.OutputNoiseSigma = (float)(KtcSigmaVolts / OutputPerUnit);
        }

        return core;
    }

    public override IEnumerable<NonIdeality> Describe() =>
    [
        Effect("parasitic_capacitance", _config.ParasiticCapacitanceFarad > 0, _config.ParasiticCapacitanceFarad, "F", "column-line parasitic: attenuates by N C_u/(N C_u + C_par)"),
        CapacitorMismatch(),
        Effect("ktc_noise", _config.KtcNoise, KtcSigmaVolts, "V", "kT/C noise of the shorted column line"),
    ];
}
