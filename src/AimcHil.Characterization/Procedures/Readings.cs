using AimcHil.Characterization.Datasets;
using AimcHil.Core;

namespace AimcHil.Characterization.Procedures;

/// <summary>Chip results as dataset arrays: device states stacked array by array, weights, codes.</summary>
internal static class Readings
{
    /// <summary>Whether the chip states sneak paths (a passive array): its read-backs need every device to be inverted.</summary>
    public static bool Passive(ChipInfo chip) => chip.NonIdealities.Any(n => n.Name == "sneak_paths" && n.Enabled);

    /// <summary>The device arrays of a read-back as one arrays × rows × cols array of normalized states.</summary>
    public static PointArray States(DeviceStates states)
    {
        var arrays = states.Arrays;
        int rows = arrays[0].States.Rows, cols = arrays[0].States.Cols;
        var values = new float[arrays.Count * rows * cols];
        for (var a = 0; a < arrays.Count; a++)
        {
            arrays[a].States.Data.CopyTo(values, a * rows * cols);
        }

        return new PointArray([arrays.Count, rows, cols], values);
    }

    /// <summary>What a sweep records of the tile it just programmed: targets, read-back weights, the column scales
    /// of an all-zero MVM, and on a passive array every device's read state (to be inverted for sneak paths).</summary>
    public static Dictionary<string, PointArray> ProgrammedTile(IAimcChip chip, int tile, Grid<float> targets, DeviceStates states)
    {
        var scale = chip.Mvm(tile, new Grid<int>(1, chip.Info.Rows));
        var arrays = new Dictionary<string, PointArray>
        {
            ["target_weight"] = Of(targets),
            ["read_weight"] = Of(states.Weights),
            ["mac_per_code"] = Of(scale.MacPerCode),
            ["mac_offset"] = Of(scale.MacOffset),
        };
        if (Passive(chip.Info))
        {
            arrays["read_state"] = States(states);
        }

        return arrays;
    }

    public static PointArray Of(Grid<float> grid) => PointArray.Of(grid.Rows, grid.Cols, (float[])grid.Data.Clone());

    public static PointArray Of(Grid<int> grid) => PointArray.Of(grid.Rows, grid.Cols, Array.ConvertAll(grid.Data, v => (float)v));

    public static PointArray Of(double[] values) => PointArray.Of(Array.ConvertAll(values, v => (float)v));

    /// <summary>A batch of the same input row repeated: <paramref name="repeats"/> × rows codes.</summary>
    public static Grid<int> Repeated(int[] row, int repeats)
    {
        var grid = new Grid<int>(repeats, row.Length);
        for (var r = 0; r < repeats; r++)
        {
            row.CopyTo(grid.Row(r));
        }

        return grid;
    }
}
