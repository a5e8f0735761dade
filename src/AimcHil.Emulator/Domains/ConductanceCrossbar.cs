using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
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
        preset.Wires.Validate();
    }

    protected DifferentialPairEncoding Pair { get; }

    protected override bool AppliesIvNonLinearity => true;

    /// <summary>Effective weights (rows × cols) of differential pairs, MAC units per unit input, with IR drop.</summary>
    internal LinearCore BuildDifferential(TileState tile, float[][] states, double ageSeconds)
    {
        int rows = tile.Rows, cols = tile.Cols;

        // Every weight is written below, so the retired view's arrays serve as they are.
        var core = new LinearCore(rows, cols, tile.RetiredCore);
        tile.RetiredCore = null;
        var gPlus = states[0];
        var gMinus = states[1];
        var mPlus = tile.Mismatch[0];
        var mMinus = tile.Mismatch[1];
        if (Preset.Wires.IsIdeal)
        {
            PairDifference(gPlus, mPlus, gMinus, mMinus, Pair.Span, core.Weights.AsSpan(0, rows * cols));
        }
        else
        {
            // The pair's two bit lines sit side by side, so the network is rows × 2·cols.
            var gMaxSiemens = Device.FullScale;
            var n = rows * 2 * cols;
            var rented = ArrayPool<double>.Shared.Rent(2 * n);
            try
            {
                var physical = rented.AsSpan(0, n);
                var effective = rented.AsSpan(n, n);
                for (var k = 0; k < rows * cols; k++)
                {
                    physical[2 * k] = gPlus[k] * mPlus[k] * gMaxSiemens;
                    physical[(2 * k) + 1] = gMinus[k] * mMinus[k] * gMaxSiemens;
                }

                EffectiveConductance(tile, physical, effective, rows, 2 * cols);
                var toWeight = 1 / gMaxSiemens / Pair.Span;
                for (var k = 0; k < rows * cols; k++)
                {
                    core.Weights[k] = (float)((effective[2 * k] - effective[(2 * k) + 1]) * toWeight);
                }
            }
            finally
            {
                ArrayPool<double>.Shared.Return(rented);
            }
        }

        // The gains follow the fixed pattern alone, so they are computed once per tile.
        core.ReadNoiseGains = tile.PairNoiseGains ??= PairNoiseGains(tile, Pair.Span);
        return core;
    }

    /// <summary>(G⁺·m⁺ − G⁻·m⁻) / span for every device pair, eight at a time in the scalar formula's order.</summary>
    private static void PairDifference(ReadOnlySpan<float> gPlus, ReadOnlySpan<float> mPlus, ReadOnlySpan<float> gMinus, ReadOnlySpan<float> mMinus, float span, Span<float> weights)
    {
        var width = Vector256<float>.Count;
        var divisor = Vector256.Create(span);
        var k = 0;
        for (; k <= weights.Length - width; k += width)
        {
            var plus = Vector256.Create(gPlus.Slice(k, width)) * Vector256.Create(mPlus.Slice(k, width));
            var minus = Vector256.Create(gMinus.Slice(k, width)) * Vector256.Create(mMinus.Slice(k, width));
            ((plus - minus) / divisor).CopyTo(weights.Slice(k, width));
        }

        for (; k < weights.Length; k++)
        {
            weights[k] = ((gPlus[k] * mPlus[k]) - (gMinus[k] * mMinus[k])) / span;
        }
    }

    /// <summary>Geff of the tile's network: with both wire families resistive through the tile's kept solution, with
    /// one of them ideal by its exact ladders alone.</summary>
    private void EffectiveConductance(TileState tile, ReadOnlySpan<double> physical, Span<double> effective, int rows, int physicalCols)
    {
        var wires = Preset.Wires;
        if (wires.WordSegmentOhm == 0 || wires.BitSegmentOhm == 0)
        {
            IrDropNetwork.ValidateTile(physical, rows, physicalCols);
            WireSolution.Separable(physical, rows, physicalCols, wires.WordSegmentOhm, wires.BitSegmentOhm, effective);
            return;
        }

        // The tolerance is per physical column; a pair's error is the sum of its two columns'.
        var lsbSiemens = CreateAdc().Lsb * Device.FullScale * Pair.Span;
        tile.Wires ??= new WireSolution(rows, physicalCols, wires.WordSegmentOhm, wires.BitSegmentOhm, wires.UpdateToleranceLsb * lsbSiemens / 2);
        tile.Wires.EffectiveConductance(physical, effective);
    }

    /// <summary>How the read noise of each device of a differential pair reaches its column, MAC units per unit of
    /// normalized state: its mismatch over the pair's span (the sign of the minus device does not matter to a
    /// symmetric noise).</summary>
    internal static float[][] PairNoiseGains(TileState tile, float span)
    {
        var gains = new float[2][];
        for (var a = 0; a < 2; a++)
        {
            gains[a] = new float[tile.Mismatch[a].Length];
            TensorPrimitives.Multiply(tile.Mismatch[a], 1f / span, gains[a]);
        }

        return gains;
    }

    protected IEnumerable<NonIdeality> DescribeWires()
    {
        yield return Effect("ir_drop_word_line", Preset.Wires.WordSegmentOhm > 0, Preset.Wires.WordSegmentOhm, "ohm", "word-line wire resistance per cell, solved as a resistive network");
        yield return Effect("ir_drop_bit_line", Preset.Wires.BitSegmentOhm > 0, Preset.Wires.BitSegmentOhm, "ohm", "bit-line wire resistance per cell, solved as a resistive network");
        yield return Effect(
            "ir_drop_update_tolerance",
            Preset.Wires.WordSegmentOhm > 0 && Preset.Wires.BitSegmentOhm > 0,
            Preset.Wires.UpdateToleranceLsb,
            "LSB",
            "after reprogramming the word/bit-line coupling of the last exact solve is kept while its estimated error is within this; 0 re-solves every time");
    }
}
