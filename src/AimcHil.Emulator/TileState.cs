using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Domains;
using AimcHil.Emulator.Periphery;

namespace AimcHil.Emulator;

/// <summary>Everything one emulated tile holds: the fixed pattern it was made with, the device states it was
/// programmed to, and the compute view built from them.</summary>
internal sealed class TileState
{
    public TileState(int index, int rows, int cols, int arrays, int physicalColumns)
    {
        Index = index;
        Rows = rows;
        Cols = cols;
        var cells = rows * cols;
        Targets = NewArrays<float>(arrays, cells);
        Programmed = NewArrays<float>(arrays, cells);
        DriftExponents = NewArrays<float>(arrays, cells);
        Stuck = NewArrays<StuckState>(arrays, cells);
        Mismatch = NewArrays<float>(arrays, cells);
        foreach (var m in Mismatch)
        {
            Array.Fill(m, 1f);
        }

        WeightTargets = new Grid<float>(rows, cols);
        Readout = new ColumnReadout(physicalColumns);
    }

    public int Index { get; }

    public int Rows { get; }

    public int Cols { get; }

    /// <summary>Device targets after quantization, per device array.</summary>
    public float[][] Targets { get; }

    /// <summary>Device states right after their last programming pulse (before drift).</summary>
    public float[][] Programmed { get; }

    public float[][] DriftExponents { get; }

    public StuckState[][] Stuck { get; }

    /// <summary>Fixed-pattern strength of each device (1 = nominal).</summary>
    public float[][] Mismatch { get; }

    /// <summary>Domain-specific fixed pattern (delay or capacitor mismatch), drawn by the domain when the chip is made.</summary>
    public Dictionary<string, float[]> DomainPattern { get; } = [];

    public Grid<float> WeightTargets { get; set; }

    /// <summary>Whether any device drifts (set when programmed), so an MVM need not scan for it.</summary>
    public bool Drifts { get; set; }

    public ColumnReadout Readout { get; }

    public double ProgrammedAtSeconds { get; set; }

    public LinearCore? Core { get; set; }

    /// <summary>The compute view the last programming made obsolete, whose arrays the next build takes over (null once
    /// taken, or when there is none).</summary>
    public LinearCore? RetiredCore { get; set; }

    /// <summary>How each device of a differential pair reaches its column (<see cref="ConductanceCrossbar.PairNoiseGains"/>):
    /// it follows the fixed pattern only, so it is computed on first use; null until then.</summary>
    public float[][]? PairNoiseGains { get; set; }

    /// <summary>The tile's IR-drop network solution, carried from one programming to the next (null with ideal wires).</summary>
    public Circuits.WireSolution? Wires { get; set; }

    /// <summary>Device age (seconds since programming) the compute view was built for.</summary>
    public double CoreAgeSeconds { get; set; }

    /// <summary>Analog response to an all-ones input read when the tile was last programmed, the reference for
    /// drift compensation; 0 until that read is taken.</summary>
    public double DriftReference { get; set; }

    /// <summary>Per device array, one standard normal per device: the held (1/f) part of its read noise, in units of
    /// that part's standard deviation; null until first read after programming.</summary>
    public float[][]? HeldReadNoise { get; set; }

    /// <summary>The held draw a programming made obsolete, whose arrays the next fresh draw overwrites.</summary>
    public float[][]? RetiredHeldReadNoise { get; set; }

    /// <summary>Time since the programming pulse that <see cref="HeldReadNoise"/> was drawn for.</summary>
    public double HeldReadNoiseSeconds { get; set; }

    /// <summary>How many times the tile was programmed (whole, partly or by a pulse) since the chip was made or
    /// reseeded: it names the held read noise's stream.</summary>
    public int Programmings { get; set; }

    /// <summary>The stream of the held read noise since the last programming (null until its first draw).</summary>
    public AimcHil.Numerics.SeededRandom? HeldRng { get; set; }

    /// <summary>Counts the draws of <see cref="HeldReadNoise"/>, so a compute view knows when its noise is stale.</summary>
    public int HeldReadNoiseVersion { get; set; }

    /// <summary>Clock time of the last single-device pulse since the tile was programmed (NaN when none): a read
    /// soon after it is a verify read.</summary>
    public double LastPulseAtSeconds { get; set; } = double.NaN;

    private int[][]? _stuckCells;
    private float[][]? _states;

    /// <summary>Indices of the stuck devices of each array, found on first use: <see cref="Stuck"/> is a fixed
    /// pattern, filled once when the tile is made and never changed after.</summary>
    public int[][] StuckCells => _stuckCells ??= FindStuckCells();

    /// <summary>Device states at an age: drifted programmed states, with stuck devices pinned.</summary>
    /// <remarks>The arrays are the tile's own buffer, overwritten by the next call, so a caller must be done with them
    /// before it asks again: a rebuild after every programming would otherwise allocate a fresh set each time.</remarks>
    public float[][] StatesAt(IDeviceModel device, double ageSeconds)
    {
        var states = _states ??= NewArrays<float>(Programmed.Length, Rows * Cols);
        for (var a = 0; a < states.Length; a++)
        {
            var s = states[a];
            var programmed = Programmed[a];
            if (!Drifts)
            {
                programmed.CopyTo(s, 0);
            }
            else
            {
                var exponents = DriftExponents[a];
                for (var k = 0; k < s.Length; k++)
                {
                    s[k] = exponents[k] == 0 ? programmed[k] : device.Drifted(programmed[k], exponents[k], ageSeconds);
                }
            }

            foreach (var k in StuckCells[a])
            {
                s[k] = Stuck[a][k] == StuckState.StuckOn ? 1f : 0f;
            }
        }

        return states;
    }

    private int[][] FindStuckCells()
    {
        var cells = new int[Stuck.Length][];
        for (var a = 0; a < cells.Length; a++)
        {
            var found = new List<int>();
            for (var k = 0; k < Stuck[a].Length; k++)
            {
                if (Stuck[a][k] != StuckState.None)
                {
                    found.Add(k);
                }
            }

            cells[a] = [.. found];
        }

        return cells;
    }

    private static T[][] NewArrays<T>(int arrays, int cells)
    {
        var result = new T[arrays][];
        for (var a = 0; a < arrays; a++)
        {
            result[a] = new T[cells];
        }

        return result;
    }
}
