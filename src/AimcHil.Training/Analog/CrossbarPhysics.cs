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
/// <remarks>Alone it models a chip's design, not one chip's random fixed pattern: no programming or read noise, no
/// mismatch, no stuck devices. Given a <see cref="MeasuredPattern"/> (a calibrated twin) it is that one chip as far as
/// it was measured: stuck devices sit at their rail whatever is programmed, and each column's effective weights carry
/// its tile's read-out gain. Random noise stays out either way. Device levels are rounded in the forward pass and
/// passed straight through backward.</remarks>
public sealed class CrossbarPhysics
{
    private readonly IDeviceModel _device;
    private readonly DifferentialPairEncoding _pair;
    private readonly WireConfig _wires;

    public CrossbarPhysics(ChipPreset preset, MeasuredPattern? measured = null)
    {
        if (preset.Domain != ComputationDomain.Current)
        {
            throw new AimcException($"the physical model covers the current domain; the chip {preset.Name} computes in the {SnakeCase.Of(preset.Domain)} domain");
        }

        _device = preset.CreateDevice();
        _pair = new DifferentialPairEncoding(_device);
        _wires = preset.Wires;
        NonLinearity = _device.NonLinearity;
        ReadVoltage = (preset.Current ?? new CurrentDomainConfig()).ReadVolts;
        if (measured is not null && (measured.Tiles != preset.Tiles || measured.Rows != preset.Rows || measured.Cols != preset.Cols))
        {
            throw new ArgumentException($"the measured pattern is of {measured.Tiles} tiles of {measured.Rows}×{measured.Cols}, the chip {preset.Name} has {preset.Tiles} of {preset.Rows}×{preset.Cols}", nameof(measured));
        }

        Measured = measured;
    }

    /// <summary>The chip's measured fixed pattern, or null for the design alone.</summary>
    public MeasuredPattern? Measured { get; }

    public IvNonLinearity NonLinearity { get; }

    /// <summary>Word-line voltage at full-scale input, volts: the I–V curve is in volts across the device.</summary>
    public double ReadVoltage { get; }

    /// <summary>The device I–V curve on a normalized input x (the current domain's feature): the current of a word
    /// line at V = x·V_read, in units of G·V_read, as the emulator's current domain computes it.</summary>
    public double Feature(double normalizedInput) => NonLinearity.AtFraction(normalizedInput, ReadVoltage);

    /// <summary>d<see cref="Feature"/>/dx.</summary>
    public double FeatureSlope(double normalizedInput) => NonLinearity.SlopeAtFraction(normalizedInput, ReadVoltage);

    /// <summary>Effective normalized weights (rows × cols) of normalized weights w in [-1, 1] on tile
    /// <paramref name="tile"/>: what the crossbar multiplies the inputs by once the wires have taken their share, with
    /// the tile's measured column gains and stuck devices when there is a measured pattern.</summary>
    public float[] EffectiveWeights(ReadOnlySpan<float> weights, int rows, int cols, int tile = 0)
    {
        var conductance = Conductance(weights, rows, cols, tile);
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
                result[(i * cols) + j] = (float)((effective[p] - effective[p + 1]) / unit * (Measured?.GainOf(tile, j) ?? 1f));
            }
        }

        return result;
    }

    /// <summary>The measured offset of a tile's column in MAC units (0 without a measured pattern): a constant, so it
    /// changes no Jacobian.</summary>
    public double OutputOffset(int tile, int col) => Measured?.OffsetOf(tile, col) ?? 0;

    /// <summary>dL/dw given dL/dWeff, through the gains, the network and the differential encoding (device rounding
    /// passed straight; a stuck device does not follow the weight).</summary>
    public float[] EffectiveWeightsVjp(ReadOnlySpan<float> weights, int rows, int cols, ReadOnlySpan<float> effectiveGradient, int tile = 0)
    {
        var unit = _device.FullScale * _pair.Span;
        var geffGradient = new double[rows * 2 * cols];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                var p = (i * 2 * cols) + (2 * j);
                var g = effectiveGradient[(i * cols) + j] * (Measured?.GainOf(tile, j) ?? 1f) / unit;
                geffGradient[p] = g;
                geffGradient[p + 1] = -g;
            }
        }

        var conductanceGradient = _wires.IsIdeal
            ? geffGradient
            : IrDropNetwork.EffectiveConductanceVjp(Conductance(weights, rows, cols, tile), rows, 2 * cols, _wires.WordSegmentOhm, _wires.BitSegmentOhm, geffGradient, tolerance: 1e-8);
        var result = new float[rows * cols];
        var perWeight = _device.FullScale * _pair.Span;
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                var k = (i * cols) + j;
                var p = (i * 2 * cols) + (2 * j);

                // G⁺ follows the positive part of w, G⁻ the negative part: dG⁺/dw = span·[w > 0], dG⁻/dw = −span·[w < 0];
                // a stuck device follows nothing.
                var plus = Measured?.StuckAt(tile, 0, i, j) is null or StuckState.None ? conductanceGradient[p] : 0;
                var minus = Measured?.StuckAt(tile, 1, i, j) is null or StuckState.None ? conductanceGradient[p + 1] : 0;
                var w = weights[k];
                var g = w > 0 ? plus : w < 0 ? -minus : 0.5 * (plus - minus);
                result[k] = (float)(g * perWeight);
            }
        }

        return result;
    }

    /// <summary>Siemens of the pair devices, interleaved G⁺, G⁻ per column: rows × 2·cols.</summary>
    private double[] Conductance(ReadOnlySpan<float> weights, int rows, int cols, int tile)
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
                for (var a = 0; a < 2; a++)
                {
                    // Pinned as the chip pins them: on at the top of the range, off at zero (below the lowest state).
                    var stuck = Measured?.StuckAt(tile, a, i, j) ?? StuckState.None;
                    if (stuck != StuckState.None)
                    {
                        conductance[p + a] = stuck == StuckState.StuckOn ? _device.FullScale : 0;
                    }
                }
            }
        }

        return conductance;
    }
}
