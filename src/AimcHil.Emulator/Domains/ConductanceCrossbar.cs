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
        var variance = new float[n];
        var any = false;
        for (var k = 0; k < n; k++)
        {
            var sp = Device.ReadNoiseSigma(tile.Programmed[0][k], states[0][k], ageSeconds) * tile.Mismatch[0][k];
            var sm = Device.ReadNoiseSigma(tile.Programmed[1][k], states[1][k], ageSeconds) * tile.Mismatch[1][k];
            var v = ((sp * sp) + (sm * sm)) / (span * span);
            variance[k] = v;
            any |= v > 0;
        }

        return any ? variance : null;
    }

    protected IEnumerable<NonIdeality> DescribeWires()
    {
        yield return Effect("ir_drop_word_line", Preset.Wires.WordSegmentOhm > 0, Preset.Wires.WordSegmentOhm, "ohm", "word-line wire resistance per cell, solved as a resistive network");
        yield return Effect("ir_drop_bit_line", Preset.Wires.BitSegmentOhm > 0, Preset.Wires.BitSegmentOhm, "ohm", "bit-line wire resistance per cell, solved as a resistive network");
    }
}
