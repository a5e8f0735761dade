using AimcHil.Characterization.Datasets;
using AimcHil.Core;
using AimcHil.Emulator;

namespace AimcHil.Characterization.Calibration;

/// <summary>One tile's MVM sweep (transfer or ir-drop) arranged for the read-out fits: the weights it held, the input
/// of every drive, and the measured MAC per drive and column (mean over repeats, NaN where a repeat sat at a rail).</summary>
internal sealed class ReadoutSweep
{
    private ReadoutSweep(int tile, Grid<float> weights, sbyte[]? stuck, Grid<int> inputs, Grid<double> measured, float[]? devices)
    {
        Tile = tile;
        Devices = devices;
        Stuck = stuck;
        Weights = weights;
        Inputs = inputs;
        Measured = measured;
    }

    public int Tile { get; }

    /// <summary>The weights the tile was asked to hold (write-verified). Not the read-back: its read noise in the
    /// predictor would bias every slope fitted on it.</summary>
    public Grid<float> Weights { get; }

    /// <summary>The tile's stuck map (arrays × rows × cols), or null: the predictor's tile has those devices stuck, so
    /// each sits at the very state the chip's does (an RRAM device stuck off holds 0, below the 1/on-off floor of a
    /// healthy one), with both devices of its pair loading the lines as on the chip.</summary>
    public sbyte[]? Stuck { get; }

    /// <summary>On a passive array, the device states (arrays × rows × cols, normalized) inverted from the read-back
    /// after programming, else null. Its write-verify judges sneak-path reads, which never come within tolerance, so
    /// every device keeps its last pulse's full programming error: the predictor adds what those errors give.</summary>
    public float[]? Devices { get; }

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

            var tileStuck = stuck?.OfTile(tileGroup.Key.Item1);
            var devices = head.Arrays.TryGetValue("read_state", out var states) ? states.Values : null;
            var readBack = devices is null ? head.Array("read_weight").Values : Decoded(devices, chip.Rows * chip.Cols, 1 - (stuck?.LowState ?? 0));
            var weights = new Grid<float>(chip.Rows, chip.Cols, Representable(chip, read.Values, readBack, tileStuck));

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

            sweeps.Add(new ReadoutSweep(tileGroup.Key.Item1, weights, tileStuck, inputs, measured, devices));
        }

        return sweeps;
    }

    /// <summary>What a twin without read-out errors gives for the same weights and drives: the analog MAC before the
    /// column read-out and ADC, on an emulator of <paramref name="design"/> (noise-free devices).</summary>
    public Grid<double> Predict(ChipPreset design)
    {
        using var chip = new EmulatedChip(design with { Tiles = 1, MeasuredStuck = Stuck }, CandidateRun.Seed);
        var report = chip.Program(0, Weights, WriteVerifyOptions.SinglePulse);
        var mac = chip.MvmAnalog(0, Inputs).Mac;
        var predicted = new Grid<double>(mac.Rows, mac.Cols, Array.ConvertAll(mac.Data, v => (double)v));
        if (Devices is not null)
        {
            AddDeviceErrors(predicted, report.Representable ?? Weights, 1 - chip.Device.MinState, chip.Info.InputCodeMax);
        }

        return predicted;
    }

    /// <summary>Adds to each prediction what the devices' distance from their targets gives: Σᵢ xᵢ·ΔWᵢⱼ with ΔW the
    /// weights the inverted states hold less those the predictor programmed, scaled by the predictor's own ratio to
    /// the ideal product where that is well defined (its I–V bend and line losses act on the errors too). Cells with a
    /// stuck device are left to the predictor, whose stuck map pins them as the chip's.</summary>
    private void AddDeviceErrors(Grid<double> predicted, Grid<float> programmed, double span, int codeMax)
    {
        int rows = Weights.Rows, cols = Weights.Cols, cells = rows * cols;
        var delta = new double[cells];
        for (var k = 0; k < cells; k++)
        {
            var stuck = Stuck is not null && (Stuck[k] != 0 || Stuck[cells + k] != 0);
            delta[k] = stuck ? 0 : ((Devices![k] - Devices[cells + k]) / span) - programmed.Data[k];
        }

        for (var s = 0; s < Inputs.Rows; s++)
        {
            for (var j = 0; j < cols; j++)
            {
                double ideal = 0, error = 0;
                for (var i = 0; i < rows; i++)
                {
                    var x = (double)Inputs[s, i] / codeMax;
                    ideal += x * programmed[i, j];
                    error += x * delta[(i * cols) + j];
                }

                var ratio = Math.Abs(ideal) > 0.25 ? predicted[s, j] / ideal : 1;
                predicted[s, j] += ratio * error;
            }
        }
    }

    /// <summary>Weights (rows × cols) decoded from a pair's device states with the given span.</summary>
    private static float[] Decoded(float[] devices, int cells, double span)
    {
        var weights = new float[cells];
        for (var k = 0; k < cells; k++)
        {
            weights[k] = (float)((devices[k] - devices[cells + k]) / span);
        }

        return weights;
    }

    /// <summary>The targets as the levels the chip holds them at: on a device with finite levels a pair holds weights
    /// k/(L − 1) only, and a target between two (the ir-drop's 0.5 on 16 levels sits exactly halfway) goes to the one
    /// the chip's rounding chose, which the mean read-back of that target's healthy cells tells. Left to the twin, the
    /// same halfway target rounds by its own fitted on/off ratio, a hair off the chip's, and may take the other level
    /// on every cell: a 1/(2(L − 1)) weight error the line fit then explains with wrong resistances.</summary>
    private static float[] Representable(ChipInfo chip, float[] targets, float[] readBack, sbyte[]? stuckOfTile)
    {
        var weights = (float[])targets.Clone();
        if (chip.WeightLevels <= 1)
        {
            return weights;
        }

        var steps = (chip.WeightLevels - 1) / 2.0;
        var cells = targets.Length;
        var readSums = new Dictionary<float, (double Sum, int Count)>();
        for (var k = 0; k < cells; k++)
        {
            if (stuckOfTile is null || (stuckOfTile[k] == 0 && stuckOfTile[cells + k] == 0))
            {
                readSums.TryGetValue(targets[k], out var s);
                readSums[targets[k]] = (s.Sum + readBack[k], s.Count + 1);
            }
        }

        var level = new Dictionary<float, float>();
        foreach (var target in targets.Distinct())
        {
            var below = Math.Floor(target * steps) / steps;
            var above = Math.Ceiling(target * steps) / steps;
            var read = readSums.TryGetValue(target, out var s) ? s.Sum / s.Count : target;
            level[target] = (float)(Math.Abs(read - below) <= Math.Abs(read - above) ? below : above);
        }

        for (var k = 0; k < cells; k++)
        {
            weights[k] = level[targets[k]];
        }

        return weights;
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
