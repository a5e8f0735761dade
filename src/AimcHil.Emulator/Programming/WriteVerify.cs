using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Programming;

/// <summary>Write-verify programming of a tile's device arrays: pulse every device, read them all, pulse again the
/// ones out of tolerance, until all are within tolerance or out of pulses. Reads are whole-array rounds because a
/// passive array's read of one device depends on all the others (sneak paths).</summary>
internal static class WriteVerify
{
    /// <summary>Programs <paramref name="tile"/> to its <see cref="TileState.Targets"/>.</summary>
    /// <param name="verifyRead">Measures every device (normalized) from the current states.</param>
    /// <param name="selected">Weights to program (all when null); the devices of the others are left alone.</param>
    /// <returns>Pulses per device, whether each device ended within tolerance, and the last verify read (null
    /// without verify).</returns>
    public static (int[][] Pulses, bool[][] Converged, float[][]? LastReads) Run(
        TileState tile,
        IDeviceModel device,
        WriteVerifyOptions options,
        SeededRandom rng,
        Func<float[][], float[][]> verifyRead,
        bool[]? selected = null)
    {
        if (options.MaxPulsesPerCell < 1)
        {
            throw new AimcException($"write-verify needs at least 1 pulse per cell, not {options.MaxPulsesPerCell}");
        }

        var arrays = tile.Targets.Length;
        var cells = tile.Rows * tile.Cols;
        var pulses = new int[arrays][];
        var converged = new bool[arrays][];
        for (var a = 0; a < arrays; a++)
        {
            pulses[a] = new int[cells];
            converged[a] = new bool[cells];
        }

        // First round: every selected device once, without building a work list (the whole of a single-pulse write).
        for (var a = 0; a < arrays; a++)
        {
            for (var k = 0; k < cells; k++)
            {
                if (selected is null || selected[k])
                {
                    Pulse(tile, device, rng, a, k);
                    pulses[a][k] = 1;
                }
                else
                {
                    converged[a][k] = true;
                }
            }
        }

        var pending = new List<(int Array, int Cell)>();
        var tolerance = (float)options.Tolerance;
        float[][]? reads = null;
        while (options.Enabled)
        {
            reads = verifyRead(tile.StatesAt(device, 0));
            pending.Clear();
            for (var a = 0; a < arrays; a++)
            {
                for (var k = 0; k < cells; k++)
                {
                    if (selected is not null && !selected[k])
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
                Pulse(tile, device, rng, a, k);
                pulses[a][k]++;
            }
        }

        if (!options.Enabled)
        {
            // Without a verify read nothing is known to have missed: a single pulse converges by definition.
            foreach (var c in converged)
            {
                Array.Fill(c, true);
            }
        }

        for (var a = 0; a < arrays; a++)
        {
            for (var k = 0; k < cells; k++)
            {
                if (selected is null || selected[k])
                {
                    tile.DriftExponents[a][k] = device.DrawDriftExponent(tile.Targets[a][k], rng);
                }
            }
        }

        tile.Drifts = tile.DriftExponents.Any(a => a.Any(nu => nu != 0));

        return (pulses, converged, reads);
    }

    private static void Pulse(TileState tile, IDeviceModel device, SeededRandom rng, int a, int k)
    {
        // A stuck device takes the pulse but does not move; its state is pinned when read.
        tile.Programmed[a][k] = tile.Stuck[a][k] == StuckState.None
            ? device.ProgramOnce(tile.Targets[a][k], rng)
            : tile.Targets[a][k];
    }
}
