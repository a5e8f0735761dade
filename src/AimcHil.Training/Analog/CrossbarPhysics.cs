using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Emulator.Circuits;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Domains;
using AimcHil.Emulator.Mapping;

namespace AimcHil.Training.Analog;

/// <summary>The deterministic physics of a current-domain conductance crossbar as a differentiable model (physical
/// hardware-aware training): normalized weights → differential device targets → IR-drop network → effective
/// weights, and the device I–V curve on the inputs; each block with its vector-Jacobian product.</summary>
/// <remarks>What it models is the chip's design, not one chip's random fixed pattern: no programming or read noise,
/// no mismatch, no stuck devices. Device levels are rounded in the forward pass and passed straight through backward.</remarks>
public sealed class CrossbarPhysics
{
    private readonly IDeviceModel _device;
    private readonly DifferentialPairEncoding _pair;
    private readonly WireConfig _wires;

    public CrossbarPhysics(ChipPreset preset)
    {
        if (preset.Domain != ComputationDomain.Current)
        {
            throw new AimcException($"the physical model covers the current domain; the chip {preset.Name} computes in the {SnakeCase.Of(preset.Domain)} domain");
        }

        _device = preset.CreateDevice();
        _pair = new DifferentialPairEncoding(_device);
        _wires = preset.Wires;
        NonLinearity = _device.NonLinearity;
        ReadVoltage = (preset.Current ?? new CurrentDomainConfig()).ReadVoltage;
    }

    public IvNonLinearity NonLinearity { get; }

    /// <summary>Word-line voltage at full-scale input, volts: the I–V curve is in volts across the device.</summary>
    public double ReadVoltage { get; }

    /// <summary>The device I–V curve on a normalized input x (the current domain's feature): the current of a word
    /// line at V = x·V_read, in units of G·V_read, as the emulator's current domain computes it.</summary>
    public double Feature(double normalizedInput) => NonLinearity.AtFraction(normalizedInput, ReadVoltage);

    /// <summary>d<see cref="Feature"/>/dx.</summary>
    public double FeatureSlope(double normalizedInput) => NonLinearity.SlopeAtFraction(normalizedInput, ReadVoltage);

    /// <summary>Effective normalized weights (rows × cols) of normalized weights w in [-1, 1]: what the crossbar
    /// multiplies the inputs by once the wires have taken their share.</summary>
    public float[] EffectiveWeights(ReadOnlySpan<float> weights, int rows, int cols)
    {
        var conductance = Conductance(weights, rows, cols);
        var effective = _wires.IsIdeal
            ? conductance
            : IrDropNetwork.EffectiveConductance(conductance, rows, 2 * cols, _wires.WordSegmentOhm, _wires.BitSegmentOhm, tolerance: 1e-8);
        var result = new float[rows * cols];
        var unit = _device.FullScale * _pair.Span;
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                var p = (i * 2 * cols) + (2 * j);
                result[(i * cols) + j] = (float)((effective[p] - effective[p + 1]) / unit);
            }
        }

        return result;
    }

    /// <summary>dL/dw given dL/dWeff, through the network and the differential encoding (device rounding passed straight).</summary>
    public float[] EffectiveWeightsVjp(ReadOnlySpan<float> weights, int rows, int cols, ReadOnlySpan<float> effectiveGradient)
    {
        var unit = _device.FullScale * _pair.Span;
        var geffGradient = new double[rows * 2 * cols];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                var p = (i * 2 * cols) + (2 * j);
                var g = effectiveGradient[(i * cols) + j] / unit;
                geffGradient[p] = g;
                geffGradient[p + 1] = -g;
            }
        }

        var conductanceGradient = _wires.IsIdeal
            ? geffGradient
            : IrDropNetwork.EffectiveConductanceVjp(Conductance(weights, rows, cols), rows, 2 * cols, _wires.WordSegmentOhm, _wires.BitSegmentOhm, geffGradient, tolerance: 1e-8);
        var result = new float[rows * cols];
        var perWeight = _device.FullScale * _pair.Span;
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                var k = (i * cols) + j;
                var p = (i * 2 * cols) + (2 * j);

                // G⁺ follows the positive part of w, G⁻ the negative part: dG⁺/dw = span·[w > 0], dG⁻/dw = −span·[w < 0].
                var w = weights[k];
                var g = w > 0 ? conductanceGradient[p] : w < 0 ? -conductanceGradient[p + 1] : 0.5 * (conductanceGradient[p] - conductanceGradient[p + 1]);
                result[k] = (float)(g * perWeight);
            }
        }

        return result;
    }

    /// <summary>Siemens of the pair devices, interleaved G⁺, G⁻ per column: rows × 2·cols.</summary>
    private double[] Conductance(ReadOnlySpan<float> weights, int rows, int cols)
    {
        var one = new float[1];
        var targets = new[] { new float[1], new float[1] };
        var conductance = new double[rows * 2 * cols];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                one[0] = Math.Clamp(weights[(i * cols) + j], -1f, 1f);
                _pair.Encode(one, targets);
                var p = (i * 2 * cols) + (2 * j);
                conductance[p] = targets[0][0] * _device.FullScale;
                conductance[p + 1] = targets[1][0] * _device.FullScale;
            }
        }

        return conductance;
    }
}
