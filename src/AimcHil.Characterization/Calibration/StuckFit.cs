using AimcHil.Characterization.Datasets;
using AimcHil.Core;

namespace AimcHil.Characterization.Calibration;

/// <summary>The stuck-device map of a chip from the stuck dataset: a device asked for the top of its range that stays
/// below the middle is stuck off, one asked for the bottom that stays above it is stuck on.</summary>
/// <param name="Map">tiles × arrays × rows × cols, 0 healthy, 1 stuck off, 2 stuck on.</param>
/// <param name="LowState">Median state of healthy devices asked for the bottom (the device's lowest state).</param>
/// <param name="HighState">Median state of healthy devices asked for the top.</param>
public sealed record StuckFit(sbyte[] Map, int Tiles, int Arrays, int Rows, int Cols, long StuckOn, long StuckOff, double LowState, double HighState)
{
    public long Devices => Map.LongLength;

    public double OnFraction => (double)StuckOn / Devices;

    public double OffFraction => (double)StuckOff / Devices;

    /// <summary>One tile's part of the map (arrays × rows × cols).</summary>
    public sbyte[] OfTile(int tile) => Map.AsSpan(tile * Arrays * Rows * Cols, Arrays * Rows * Cols).ToArray();

    public static StuckFit From(ChipInfo chip, IReadOnlyList<DataPoint> points)
    {
        var high = new Dictionary<int, PointArray>();
        var low = new Dictionary<int, PointArray>();
        foreach (var p in points)
        {
            (p.Scalar("weight") > 0 ? high : low)[(int)p.Scalar("tile")] = p.Array("read_state");
        }

        var missing = Enumerable.Range(0, chip.Tiles).Where(t => !high.ContainsKey(t) || !low.ContainsKey(t)).ToArray();
        if (missing.Length > 0)
        {
            throw new AimcException($"the stuck dataset lacks tile(s) {string.Join(", ", missing)}: the twin needs a stuck map of every tile (run `aimc characterize stuck` to the end, or --resume it)");
        }

        var shape = high[0].Shape;
        int arrays = shape[0], rows = shape[1], cols = shape[2];
        var perTile = arrays * rows * cols;
        // Asked for the top: G⁺ in the +1 read and G⁻ in the −1 read; asked for the bottom, the other way round.
        float AskedHigh(int t, int a, int index) => a == 0 ? high[t].Values[index] : low[t].Values[index];
        float AskedLow(int t, int a, int index) => a == 0 ? low[t].Values[index] : high[t].Values[index];
        var devices = Enumerable.Range(0, chip.Tiles).SelectMany(t => Enumerable.Range(0, perTile).Select(index => (t, a: index / (rows * cols), index)));
        var lowState = Median(devices.Select(d => AskedLow(d.t, d.a, d.index)));
        var highState = Median(devices.Select(d => AskedHigh(d.t, d.a, d.index)));
        var threshold = (float)((lowState + highState) / 2);
        var map = new sbyte[chip.Tiles * perTile];
        long on = 0, off = 0;
        for (var t = 0; t < chip.Tiles; t++)
        {
            for (var a = 0; a < arrays; a++)
            {
                for (var k = 0; k < rows * cols; k++)
                {
                    var index = (a * rows * cols) + k;
                    var askedHigh = AskedHigh(t, a, index);
                    var askedLow = AskedLow(t, a, index);
                    sbyte code = askedHigh < threshold ? (sbyte)1 : askedLow > threshold ? (sbyte)2 : (sbyte)0;
                    map[(t * perTile) + index] = code;
                    off += code == 1 ? 1 : 0;
                    on += code == 2 ? 1 : 0;
                }
            }
        }

        return new StuckFit(map, chip.Tiles, arrays, rows, cols, on, off, lowState, highState);
    }

    private static double Median(IEnumerable<float> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
