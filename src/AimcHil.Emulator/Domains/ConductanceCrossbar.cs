using System.Numerics.Tensors;
using AimcHil.Core;
using AimcHil.Emulator.Circuits;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Mapping;

namespace AimcHil.Emulator.Domains;

/// <summary>What the current and charge domains share: a differential-pair conductance crossbar with virtual-ground
/// bit lines, solved once per build as a resistive network when the wires have resistance.</summary>
public abstract class ConductanceCrossbar : DomainPhysics
{
    protected ConductanceCrossbar(ChipPreset preset, IDeviceModel device)
        : base(preset, device, new DifferentialPairEncoding(device))
    {
        Pair = (DifferentialPairEncoding)Encoding;
    }

    protected DifferentialPairEncoding Pair { get; }

    /// <summary>Effective weights (rows × cols) of differential pairs, MAC units per unit input, with IR drop.</summary>
    internal LinearCore BuildDifferential(TileState tile, float[][] states, double ageSeconds)
    {
        int rows = tile.Rows, cols = tile.Cols;
        var core = new LinearCore(rows, cols);
        var gPlus = states[0];
        var gMinus = states[1];
        var mPlus = tile.Mismatch[0];
        var mMinus = tile.Mismatch[1];
        if (Preset.Wires.IsIdeal)
        {
            for (var k = 0; k < rows * cols; k++)
            {
                core.Weights[k] = ((gPlus[k] * mPlus[k]) - (gMinus[k] * mMinus[k])) / Pair.Span;
            }
        }
        else
        {
            // The pair's two bit lines sit side by side, so the network is rows × 2·cols.
            var gMaxSiemens = Device.FullScale;
            var physical = new double[rows * 2 * cols];
            for (var i = 0; i < rows; i++)
            {
                for (var j = 0; j < cols; j++)
                {
                    var k = (i * cols) + j;
                    physical[(i * 2 * cols) + (2 * j)] = gPlus[k] * mPlus[k] * gMaxSiemens;
                    physical[(i * 2 * cols) + (2 * j) + 1] = gMinus[k] * mMinus[k] * gMaxSiemens;
                }
            }

            var effective = IrDropNetwork.EffectiveConductance(physical, rows, 2 * cols, Preset.Wires.WordSegmentOhm, Preset.Wires.BitSegmentOhm);
            for (var i = 0; i < rows; i++)
            {
                for (var j = 0; j < cols; j++)
                {
                    var p = (i * 2 * cols) + (2 * j);
                    core.Weights[(i * cols) + j] = (float)((effective[p] - effective[p + 1]) / gMaxSiemens / Pair.Span);
                }
            }
        }

        core.NoiseVariance = DeviceReadNoise(tile, states, ageSeconds, Pair.Span);
        return core;
    }

    /// <summary>Output-referred variance of device read noise per unit squared input for a differential pair, or null
    /// when the device reads without noise.</summary>
    internal float[]? DeviceReadNoise(TileState tile, float[][] states, double ageSeconds, float span)
    {
        var n = states[0].Length;
        var plus = new float[n];
        var minus = new float[n];
        Device.ReadNoiseSigmas(tile.Programmed[0], states[0], ageSeconds, plus);
        Device.ReadNoiseSigmas(tile.Programmed[1], states[1], ageSeconds, minus);
        if (TensorPrimitives.MaxMagnitude(plus) == 0 && TensorPrimitives.MaxMagnitude(minus) == 0)
        {
            return null;
        }

        // Variance of the pair: (σ⁺·m⁺)² + (σ⁻·m⁻)², over span² to be in MAC units.
        TensorPrimitives.Multiply(plus, tile.Mismatch[0], plus);
        TensorPrimitives.Multiply(minus, tile.Mismatch[1], minus);
        TensorPrimitives.Multiply(plus, plus, plus);
        TensorPrimitives.MultiplyAdd(minus, minus, plus, plus);
        TensorPrimitives.Multiply(plus, 1f / (span * span), plus);
        return plus;
    }

    protected IEnumerable<NonIdeality> DescribeWires()
    {
        yield return Effect("ir_drop_word_line", Preset.Wires.WordSegmentOhm > 0, Preset.Wires.WordSegmentOhm, "ohm", "word-line wire resistance per cell, solved as a resistive network");
        yield return Effect("ir_drop_bit_line", Preset.Wires.BitSegmentOhm > 0, Preset.Wires.BitSegmentOhm, "ohm", "bit-line wire resistance per cell, solved as a resistive network");
    }
}
