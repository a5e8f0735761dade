using System.Numerics.Tensors;
using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Programming;

/// <summary>Write-verify programming of a tile's device arrays: pulse every device, read them all, pulse again the
/// ones out of tolerance, until all have once read within tolerance or are out of pulses. Reads are whole-array rounds because a
/// passive array's read of one device depends on all the others (sneak paths).</summary>
internal static class WriteVerify
{
    /// <summary>Programs <paramref name="tile"/> to its <see cref="TileState.Targets"/>.</summary>
    /// <param name="verifyRead">Measures every device (normalized) from the current states.</param>
    /// <param name="selected">Weights to program (all when null); the devices of the others are left alone.</param>
    /// <param name="pulsesPerWeight">Where to count the pulses per weight (one per cell of the tile), when the caller
    /// keeps no report; a new array when null.</param>
    public static WriteVerifyResult Run(
        TileState tile,
        IDeviceModel device,
        WriteVerifyOptions options,
        SeededRandom rng,
        Func<float[][], float[][]> verifyRead,
        bool[]? selected = null,
        int[]? pulsesPerWeight = null)
    {
        if (options.MaxPulsesPerCell < 1)
        {
            throw new AimcException($"write-verify needs at least 1 pulse per cell, not {options.MaxPulsesPerCell}");
        }

        var arrays = tile.Targets.Length;
        var cells = tile.Rows * tile.Cols;
        var chosen = selected is null ? null : SelectedCells(selected);

        // First round: every selected device once, in bulk (the whole of a single-pulse write).
        for (var a = 0; a < arrays; a++)
        {
            InBulk(chosen, tile.Targets[a], tile.Programmed[a], (t, p) => device.ProgramOnce(t, p, rng));

            // A stuck device takes the pulse but does not move; its state is pinned when read.
            foreach (var k in tile.StuckCells[a])
            {
                if (selected is null || selected[k])
                {
                    tile.Programmed[a][k] = tile.Targets[a][k];
                }
            }
        }

        // Uninitialized when every weight is written: at tile size this is a large-object allocation.
        var perWeight = pulsesPerWeight ?? (chosen is null ? GC.AllocateUninitializedArray<int>(cells) : new int[cells]);
        if (chosen is null)
        {
            Array.Fill(perWeight, arrays);
        }
        else
        {
            if (pulsesPerWeight is not null)
            {
                Array.Clear(perWeight);
            }

            foreach (var k in chosen)
            {
                perWeight[k] = arrays;
            }
        }

        // Without a verify read nothing is known to have missed: a single pulse converges by definition.
        var unconverged = new List<int>();
        var reads = options.Enabled ? VerifyRounds(tile, device, options, rng, verifyRead, selected, perWeight, unconverged) : null;

        if (device.Drifts)
        {
            for (var a = 0; a < arrays; a++)
            {
                InBulk(chosen, tile.Targets[a], tile.DriftExponents[a], (t, nu) => device.DrawDriftExponents(t, nu, rng));
            }

            tile.Drifts = tile.DriftExponents.Any(nu => TensorPrimitives.MaxMagnitude(nu) != 0);
        }

        var total = (long)arrays * (chosen?.Length ?? cells);
        if (reads is not null)
        {
            total = 0;
            foreach (var p in perWeight)
            {
                total += p;
            }
        }

        return new WriteVerifyResult(perWeight, total, unconverged, reads);
    }

    /// <summary>Verify reads and further pulses until every selected device is within tolerance or out of pulses;
    /// adds the pulses to <paramref name="perWeight"/> and the weights that missed to <paramref name="unconverged"/>.</summary>
    private static float[][] VerifyRounds(
        TileState tile,
        IDeviceModel device,
        WriteVerifyOptions options,
        SeededRandom rng,
        Func<float[][], float[][]> verifyRead,
        bool[]? selected,
        int[] perWeight,
        List<int> unconverged)
    {
        var arrays = tile.Targets.Length;
        var cells = perWeight.Length;
        var pulses = new int[arrays][];
        var converged = new bool[arrays][];
        for (var a = 0; a < arrays; a++)
        {
            pulses[a] = new int[cells];
            converged[a] = new bool[cells];
            for (var k = 0; k < cells; k++)
            {
                var chosen = selected is null || selected[k];
                pulses[a][k] = chosen ? 1 : 0;
                converged[a][k] = !chosen;
            }
        }

        var pending = new List<(int Array, int Cell)>();
        var tolerance = (float)options.Tolerance;
        float[][] reads;
        while (true)
        {
            reads = verifyRead(tile.StatesAt(device, 0));
            pending.Clear();
            for (var a = 0; a < arrays; a++)
            {
                for (var k = 0; k < cells; k++)
                {
                    // A device verified once is done, as in a real program-and-verify: re-judging it on every round's
                    // fresh read noise would send some device out of tolerance on almost every round.
                    if (converged[a][k])
                    {
                        continue;
                    }

                    converged[a][k] = Math.Abs(reads[a][k] - tile.Targets[a][k]) <= tolerance;
                    if (!converged[a][k] && pulses[a][k] < options.MaxPulsesPerCell)
                    {
                        pending.Add((a, k));
                    }
                }
            }

            if (pending.Count == 0)
            {
                break;
            }

            foreach (var (a, k) in pending)
            {
                // A stuck device takes the pulse but does not move; its state is pinned when read.
                tile.Programmed[a][k] = tile.Stuck[a][k] == StuckState.None
                    ? device.ProgramOnce(tile.Targets[a][k], rng)
                    : tile.Targets[a][k];
                pulses[a][k]++;
            }
        }

        for (var k = 0; k < cells; k++)
        {
            var ok = true;
            for (var a = 0; a < arrays; a++)
            {
                ok &= converged[a][k];
            }

            if (!ok)
            {
                unconverged.Add(k);
            }

            if (selected is null || selected[k])
            {
                perWeight[k] = 0;
                for (var a = 0; a < arrays; a++)
                {
                    perWeight[k] += pulses[a][k];
                }
            }
        }

        return reads;
    }

    /// <summary>Applies a bulk device operation to the selected cells of one array: on the array itself when all are
    /// selected, else gathered into a compact buffer and scattered back, so unselected devices draw nothing.</summary>
    private static void InBulk(int[]? chosen, float[] source, float[] destination, BulkOperation operation)
    {
        if (chosen is null)
        {
            operation(source, destination);
            return;
        }

        var buffer = new float[chosen.Length];
        for (var i = 0; i < chosen.Length; i++)
        {
            buffer[i] = source[chosen[i]];
        }

        operation(buffer, buffer);
        for (var i = 0; i < chosen.Length; i++)
        {
            destination[chosen[i]] = buffer[i];
        }
    }

    private static int[] SelectedCells(bool[] selected)
    {
        var cells = new List<int>();
        for (var k = 0; k < selected.Length; k++)
        {
            if (selected[k])
            {
                cells.Add(k);
            }
        }

        return [.. cells];
    }

    private delegate void BulkOperation(ReadOnlySpan<float> source, Span<float> destination);
}
