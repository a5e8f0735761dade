using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Mapping;
using AimcHil.Emulator.Periphery;

namespace AimcHil.Emulator.Domains;

/// <summary>Settings of a charge-redistribution (bit-serial SRAM) tile.</summary>
public sealed record ChargeRedistributionConfig
{
    /// <summary>Bits of a two's-complement weight, one bit column each.</summary>
    public int WeightBits { get; init; } = 4;

    public double VddVolts { get; init; } = 0.8;

    /// <summary>Parasitic capacitance of each column's shared line.</summary>
    public double ParasiticCapacitanceFarad { get; init; } = 10e-15;

    public bool KtcNoise { get; init; } = true;

    public double TemperatureKelvin { get; init; } = 300;

    public ChargeRedistributionConfig Ideal() => this with { ParasiticCapacitanceFarad = 0, KtcNoise = false };
}

/// <summary>Charge redistribution: per input bit p and weight bit b, each cell charges its unit capacitor C_u to
/// V_DD·(x_i,p AND w_ij,b); shorting the column gives V = C_u V_DD Σᵢ p_i / (N C_u + C_par), which the column ADC
/// reads as a count of ones. Counts are recombined digitally with weights ±2^(p+b) (top bits negative).</summary>
public sealed class ChargeRedistributionDomain : DomainPhysics
{
    private const double BoltzmannJoulePerKelvin = 1.380649e-23;
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

    public double KtcSigmaVolts => Math.Sqrt(BoltzmannJoulePerKelvin * _config.TemperatureKelvin / ((Preset.Rows * Device.FullScale) + _config.ParasiticCapacitanceFarad));

    /// <summary>A unipolar ADC whose LSB is one unit capacitor's share, counts 0 … 2^bits − 1.</summary>
    /// <summary>Counts span 0 … rows, so the recombined output spans ±rows·Q·M codes and ±rows MAC.</summary>
    public override (int Min, int Max, double MacFullScale) OutputRange(Adc adc)
    {
        var bound = Preset.Rows * _bits.MaxMagnitude * InputCodeMax;
        return (-bound, bound, Preset.Rows);
    }

    public override Adc CreateAdc() => new(Preset.Adc.Bits, (1 << Preset.Adc.Bits) - 1, unipolar: true, Preset.Adc.InlPeakLsb);

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
