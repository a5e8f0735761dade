using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Periphery;

namespace AimcHil.Emulator.Domains;

/// <summary>Charge domain: pulse-width inputs t_i = T0·|x_i| with the read voltage's polarity as sign; each pair's
/// differential current integrates on C_int: V_j = V_read·(1 + a₂V_read + a₃V_read²)·Σᵢ (G⁺ − G⁻) t_i / C_int (the
/// device I–V curve at the one voltage the pulses apply), clipped at the integrator rails.</summary>
public sealed class ChargeDomain : ConductanceCrossbar
{
    private readonly ChargeDomainConfig _config;

    public ChargeDomain(ChipPreset preset, IDeviceModel device)
        : base(preset, device)
    {
        _config = preset.Charge ?? new ChargeDomainConfig();
    }

    public override ComputationDomain Domain => ComputationDomain.Charge;

    public override string InputUnit => "s";

    public override double InputFullScale => _config.PulseFullScaleSeconds;

    public override string OutputUnit => "V";

    public override double OutputPerUnit =>
        _config.ReadVolts * Device.FullScale * Pair.Span * _config.PulseFullScaleSeconds / _config.IntegrationCapacitanceFarad;

    /// <summary>The integrator rail in MAC units.</summary>
    public double RailMac => _config.RailVolts / OutputPerUnit;

    internal override LinearCore Build(TileState tile, float[][] states, double ageSeconds)
    {
        var core = BuildDifferential(tile, states, ageSeconds);

        // Pulse-width inputs hold every device at ±V_read while its pulse lasts, so the I–V curve is one gain
        // 1 + a₂V_read + a₃V_read² on every device's current, its read noise included.
        var iv = Device.NonLinearity;
        if (!iv.IsLinear)
        {
            var gain = (float)iv.Gain(_config.ReadVolts);
            System.Numerics.Tensors.TensorPrimitives.Multiply(core.Weights, gain, core.Weights);

            // Copies: the pair's gains are the tile's, kept from build to build.
            core.ReadNoiseGains = core.ReadNoiseGains?.Select(gains =>
            {
                var bent = new float[gains.Length];
                System.Numerics.Tensors.TensorPrimitives.Multiply(gains, gain, bent);
                return bent;
            }).ToArray();
        }

        if (_config.KtcNoise)
        {
            core.OutputNoiseSigma = (float)(KtcSigmaVolts / OutputPerUnit);
        }

        return core;
    }

    /// <summary>kT/C noise sampled with the integration capacitor, in volts.</summary>
    public double KtcSigmaVolts => KtcNoiseVolts(_config.TemperatureKelvin, _config.IntegrationCapacitanceFarad);

    /// <remarks>With the rail inside the ADC's range the converter's top codes could never be reached, and an
    /// output stopped by the rail would read as a valid value below full scale.</remarks>
    public override void CheckRanges(Adc adc)
    {
        if (_config.Saturation && RailMac < adc.FullScale)
        {
            throw new AimcException(
                $"charge.rail_volts {_config.RailVolts:g4} V is {RailMac:g4} MAC, inside the ADC's range of ±{adc.FullScale:g4} MAC (adc.range_mac): " +
                $"the converter's top codes are unreachable; raise rail_volts to at least {adc.FullScale * OutputPerUnit:g4} V or lower adc.range_mac to at most {RailMac:g4}");
        }
    }

    public override int ShapeAnalog(Span<float> conversions, Span<bool> clipped)
    {
        if (!_config.Saturation)
        {
            return 0;
        }

        var rail = (float)RailMac;
        var count = 0;
        for (var k = 0; k < conversions.Length; k++)
        {
            var v = conversions[k];
            if (v > rail || v < -rail)
            {
                conversions[k] = v > rail ? rail : -rail;
                clipped[k] = true;
                count++;
            }
        }

        return count;
    }

    public override IEnumerable<NonIdeality> Describe() =>
        DescribeWires().Concat(
        [
            Effect("integrator_saturation", _config.Saturation, _config.RailVolts, "V", "integrator output clips at ± this rail"),
            Effect("ktc_noise", _config.KtcNoise, KtcSigmaVolts, "V", $"kT/C noise on the {_config.IntegrationCapacitanceFarad:g3} F integrator at {_config.TemperatureKelvin} K"),
        ]);
}
