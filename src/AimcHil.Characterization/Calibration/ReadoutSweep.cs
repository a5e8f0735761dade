using AimcHil.Characterization.Datasets;
using AimcHil.Core;
using AimcHil.Emulator;

namespace AimcHil.Characterization.Calibration;

/// <summary>One tile's MVM sweep (transfer or ir-drop) arranged for the read-out fits: the weights it held, the input
/// of every drive, and the measured MAC per drive and column (mean over repeats, NaN where a repeat sat at a rail).</summary>
internal sealed class ReadoutSweep
{
    private ReadoutSweep(int tile, Grid<float> weights, Grid<int> inputs, Grid<double> measured)
    {
        Tile = tile;
        Weights = weights;
        Inputs = inputs;
        Measured = measured;
    }

    public int Tile { get; }

    /// <summary>The weights the tile holds as the twin knows them: the targets (write-verified), with every stuck device
    /// at its rail. Not the read-back: its read noise in the predictor would bias every slope fitted on it.</summary>
    public Grid<float> Weights { get; }

    /// <summary>Drives × rows input codes.</summary>
    public Grid<int> Inputs { get; }

    /// <summary>Drives × cols measured MAC.</summary>
    public Grid<double> Measured { get; }

    /// <summary>The sweeps of a transfer or ir-drop dataset, one per tile measured.</summary>
    public static IReadOnlyList<ReadoutSweep> From(ChipInfo chip, IReadOnlyList<DataPoint> points, string what, StuckFit? stuck)
    {
        var sweeps = new List<ReadoutSweep>();
        var byTileAndPattern = points.GroupBy(p => ((int)p.Scalar("tile"), p.Scalars.GetValueOrDefault("pattern")));
        foreach (var tileGroup in byTileAndPattern.OrderBy(g => g.Key))
        {
            var head = tileGroup.FirstOrDefault(p => p.Arrays.ContainsKey("read_weight"))
                ?? throw new AimcException($"the {what} dataset lacks the programming point of tile {tileGroup.Key.Item1}: --resume it");
            var read = head.Array("target_weight");
            if (read.Shape[0] != chip.Rows || read.Shape[1] != chip.Cols)
            {
                throw new AimcException($"the {what} dataset was measured on {read.Shape[0]}×{read.Shape[1]} tiles; this chip's are {chip.Rows}×{chip.Cols}");
            }

            var weights = new Grid<float>(chip.Rows, chip.Cols, (float[])read.Values.Clone());
            if (stuck is not null)
            {
                Pin(weights.Data, stuck, tileGroup.Key.Item1);
            }

            var perCode = head.Array("mac_per_code").Values;
            var offset = head.Array("mac_offset").Values;
            var drives = tileGroup.Where(p => p.Arrays.ContainsKey("adc_code")).OrderBy(p => p.Seq).ToArray();
            var inputs = new Grid<int>(drives.Length, chip.Rows);
            var measured = new Grid<double>(drives.Length, chip.Cols);
            for (var d = 0; d < drives.Length; d++)
            {
                Drive(chip, drives[d], inputs.Row(d));
                var codes = drives[d].Array("adc_code");
                var repeats = codes.Shape[0];
                for (var j = 0; j < chip.Cols; j++)
                {
                    double sum = 0;
                    var railed = false;
                    for (var r = 0; r < repeats; r++)
                    {
                        var code = codes.Values[(r * chip.Cols) + j];
                        railed |= code <= chip.AdcCodeMin || code >= chip.AdcCodeMax;
                        sum += offset[j] + (code * perCode[j]);
                    }

                    measured[d, j] = railed ? double.NaN : sum / repeats;
                }
            }

            sweeps.Add(new ReadoutSweep(tileGroup.Key.Item1, weights, inputs, measured));
        }

        return sweeps;
    }

    /// <summary>What a twin without read-out errors gives for the same weights and drives: the analog MAC before the
    /// column read-out and ADC, on an emulator of <paramref name="design"/> (noise-free devices).</summary>
    public Grid<double> Predict(ChipPreset design)
    {
        using var chip = new EmulatedChip(design with { Tiles = 1 }, CandidateRun.Seed);
        chip.Program(0, Weights, WriteVerifyOptions.SinglePulse);
        var mac = chip.MvmAnalog(0, Inputs).Mac;
        return new Grid<double>(mac.Rows, mac.Cols, Array.ConvertAll(mac.Data, v => (double)v));
    }

    /// <summary>Replaces each weight that has a stuck device by what the pair then holds: the stuck device at its
    /// rail (the lowest or highest state the stuck map saw), its partner at its target.</summary>
    private static void Pin(float[] weights, StuckFit stuck, int tile)
    {
        var map = stuck.OfTile(tile);
        var cells = weights.Length;
        var low = (float)stuck.LowState;
        var span = 1f - low;
        for (var k = 0; k < cells; k++)
        {
            sbyte plus = map[k], minus = map[cells + k];
            if (plus == 0 && minus == 0)
            {
                continue;
            }

            var w = weights[k];
            var gPlus = plus switch { 1 => low, 2 => 1f, _ => low + (span * Math.Max(w, 0f)) };
            var gMinus = minus switch { 1 => low, 2 => 1f, _ => low + (span * Math.Max(-w, 0f)) };
            weights[k] = Math.Clamp((gPlus - gMinus) / span, -1f, 1f);
        }
    }

    private static void Drive(ChipInfo chip, DataPoint point, Span<int> row)
    {
        var code = (int)point.Scalar("input_code");
        if (!point.Scalars.TryGetValue("active_rows", out var activeRows))
        {
            row.Fill(code);
            return;
        }

        var activeRow = (int)point.Scalar("active_row");
        if (activeRow >= 0)
        {
            row[activeRow] = code;
        }
        else
        {
            row[..(int)activeRows].Fill(code);
        }
    }
}
