using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Numerics;

namespace AimcHil.Rig;

/// <summary>The measured arrays of a calibrated twin as .npy files beside its rig file: written by calibration, loaded
/// by the rig reader into the chip preset.</summary>
public static class TwinFiles
{
    private const string Float32 = "<f4";

    /// <summary>Writes the given arrays beside <paramref name="yamlPath"/> as <c>&lt;stem&gt;.column-gain.npy</c>,
    /// <c>&lt;stem&gt;.column-offset.npy</c> and <c>&lt;stem&gt;.stuck.npy</c> and returns their names, relative to the
    /// rig file, for its <c>gain_file</c>, <c>offset_file</c> and <c>stuck_map_file</c> keys (null where not given).</summary>
    /// <param name="gain">Tiles × cols relative gains.</param>
    /// <param name="offset">Tiles × cols offsets as fractions of ADC full scale.</param>
    /// <param name="stuck">Flat tiles × arrays × rows × cols stuck codes; its tiles and columns are taken from
    /// <paramref name="gain"/> or <paramref name="offset"/> (use <see cref="WriteStuckMap"/> without either).</param>
    /// <param name="arrays">Device arrays of the weight encoding (2 for a differential pair).</param>
    public static (string? GainFile, string? OffsetFile, string? StuckMapFile) WriteArrays(string yamlPath, float[][]? gain, float[][]? offset, sbyte[]? stuck, int arrays)
    {
        ArgumentNullException.ThrowIfNull(yamlPath);
        var gainFile = gain is null ? null : WriteColumns(yamlPath, "column-gain", gain);
        var offsetFile = offset is null ? null : WriteColumns(yamlPath, "column-offset", offset);
        string? stuckFile = null;
        if (stuck is not null)
        {
            var columns = gain ?? offset
                ?? throw new ArgumentException("a stuck map alone does not say its tiles and columns; use WriteStuckMap", nameof(stuck));
            var tiles = columns.Length;
            var cols = tiles == 0 ? 0 : columns[0].Length;
            var perRow = (long)tiles * arrays * cols;
            if (perRow == 0 || stuck.Length % perRow != 0)
            {
                throw new ArgumentException($"{stuck.Length} stuck codes are not {tiles} tiles × {arrays} arrays × rows × {cols} columns", nameof(stuck));
            }

            stuckFile = WriteStuckMap(yamlPath, stuck, tiles, arrays, (int)(stuck.Length / perRow), cols);
        }

        return (gainFile, offsetFile, stuckFile);
    }

    /// <summary>Writes a flat tiles × arrays × rows × cols stuck map as int8 <c>&lt;stem&gt;.stuck.npy</c> beside
    /// <paramref name="yamlPath"/> and returns its name relative to the rig file.</summary>
    public static string WriteStuckMap(string yamlPath, sbyte[] stuck, int tiles, int arrays, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(stuck);
        var name = FileName(yamlPath, "stuck");
        Npy.Write(Path.Combine(Folder(yamlPath), name), stuck, tiles, arrays, rows, cols);
        return name;
    }

    /// <summary>The chip with the arrays its <c>gain_file</c>, <c>offset_file</c> and <c>stuck_map_file</c> name
    /// loaded (relative names resolve against the rig file's folder) and checked against its geometry.</summary>
    public static ChipPreset Load(ChipPreset chip, string yamlPath)
    {
        ArgumentNullException.ThrowIfNull(chip);
        var mismatch = chip.ColumnMismatch;
        if (mismatch.GainFile is null && mismatch.OffsetFile is null && chip.StuckMapFile is null)
        {
            return chip;
        }

        var loaded = chip with
        {
            ColumnMismatch = mismatch with
            {
                MeasuredGain = mismatch.GainFile is { } g ? ReadColumns(chip, yamlPath, MeasuredArrays.GainKey, g) : mismatch.MeasuredGain,
                MeasuredOffset = mismatch.OffsetFile is { } o ? ReadColumns(chip, yamlPath, MeasuredArrays.OffsetKey, o) : mismatch.MeasuredOffset,
            },
            MeasuredStuck = chip.StuckMapFile is { } s ? ReadStuck(chip, yamlPath, s) : chip.MeasuredStuck,
        };
        try
        {
            MeasuredArrays.Check(loaded);
        }
        catch (AimcException e)
        {
            throw new AimcException($"{yamlPath}: {e.Message}", e);
        }

        return loaded;
    }

    private static float[][] ReadColumns(ChipPreset chip, string yamlPath, string key, string file)
    {
        var array = ReadNpy(yamlPath, key, file);
        if (array.Dtype != Float32)
        {
            throw new AimcException($"{yamlPath}: {key}: {file} holds dtype '{array.Dtype}' but must be float32 ('<f4'); save it with np.save(path, a.astype(np.float32))");
        }

        var shape = array.Shape;
        if (MeasuredArrays.ColumnShapeProblem(chip, file, shape) is { } problem)
        {
            throw new AimcException($"{yamlPath}: {key}: {problem}");
        }

        var flat = array.ToSingle();
        var rows = new float[shape[0]][];
        for (var t = 0; t < rows.Length; t++)
        {
            rows[t] = flat.AsSpan(t * shape[1], shape[1]).ToArray();
        }

        return rows;
    }

    private static sbyte[] ReadStuck(ChipPreset chip, string yamlPath, string file)
    {
        const string key = MeasuredArrays.StuckKey;
        var array = ReadNpy(yamlPath, key, file);
        if (array.Dtype is not ("|i1" or "|u1"))
        {
            throw new AimcException($"{yamlPath}: {key}: {file} holds dtype '{array.Dtype}' but must be int8 or uint8 ('|i1' or '|u1'); save it with np.save(path, a.astype(np.int8))");
        }

        IReadOnlyList<string> arrays;
        try
        {
            arrays = MeasuredArrays.DeviceArrayNames(chip);
        }
        catch (AimcException e)
        {
            throw new AimcException($"{yamlPath}: {e.Message}", e);
        }

        if (MeasuredArrays.StuckShapeProblem(chip, arrays, file, array.Shape) is { } problem)
        {
            throw new AimcException($"{yamlPath}: {key}: {problem}");
        }

        // Checked as ints, so a uint8 code above 127 is reported as written, not wrapped to a negative one.
        var codes = array.ToInt32();
        for (var k = 0; k < codes.Length; k++)
        {
            if (MeasuredArrays.StuckCodeProblem(chip, arrays, file, k, codes[k]) is { } bad)
            {
                throw new AimcException($"{yamlPath}: {key}: {bad}");
            }
        }

        return codes.Select(code => (sbyte)code).ToArray();
    }

    private static NpyArray ReadNpy(string yamlPath, string key, string file)
    {
        var path = Path.Combine(Folder(yamlPath), file);
        if (!File.Exists(path))
        {
            throw new AimcException($"{yamlPath}: {key}: {file} not found (looked for {path}); keep the measured arrays beside the rig file or give their path relative to it");
        }

        try
        {
            return Npy.Read(path);
        }
        catch (NpyFormatException e)
        {
            throw new AimcException($"{yamlPath}: {key}: {file}: {e.Problem}", e);
        }
    }

    private static string WriteColumns(string yamlPath, string suffix, float[][] values)
    {
        var tiles = values.Length;
        var cols = tiles == 0 ? 0 : values[0].Length;
        var flat = new float[tiles * cols];
        for (var t = 0; t < tiles; t++)
        {
            if (values[t].Length != cols)
            {
                throw new ArgumentException($"tile {t} has {values[t].Length} columns, tile 0 has {cols}: the array must be tiles × cols", nameof(values));
            }

            values[t].CopyTo(flat, t * cols);
        }

        var name = FileName(yamlPath, suffix);
        Npy.Write(Path.Combine(Folder(yamlPath), name), flat, tiles, cols);
        return name;
    }

    private static string FileName(string yamlPath, string suffix) => $"{Path.GetFileNameWithoutExtension(yamlPath)}.{suffix}.npy";

    private static string Folder(string yamlPath) => Path.GetDirectoryName(Path.GetFullPath(yamlPath)) ?? ".";
}
