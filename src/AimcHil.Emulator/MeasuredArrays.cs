using System.Globalization;
using AimcHil.Core;
using AimcHil.Emulator.Domains;

namespace AimcHil.Emulator;

/// <summary>Checks the measured per-chip arrays of a preset (column gain and offset, stuck map) against the chip they
/// are meant for, so a twin fitted to another chip or a corrupt file is refused before it silently misleads.</summary>
public static class MeasuredArrays
{
    public const string GainKey = "chip.column_mismatch.gain_file";
    public const string OffsetKey = "chip.column_mismatch.offset_file";
    public const string StuckKey = "chip.stuck_map_file";

    /// <summary>The device arrays of the preset's weight encoding, in the order a stuck map stacks them.</summary>
    public static IReadOnlyList<string> DeviceArrayNames(ChipPreset preset) => Physics(preset).Encoding.ArrayNames;

    /// <summary>Throws an <see cref="AimcException"/> for the first measured array that does not fit the chip.</summary>
    public static void Check(ChipPreset preset)
    {
        if (preset.ColumnMismatch.MeasuredGain is not null || preset.ColumnMismatch.MeasuredOffset is not null || preset.MeasuredStuck is not null)
        {
            Check(preset, Physics(preset));
        }
    }

    /// <summary>Why a tiles × cols array of this shape does not fit the chip, or null when it does.</summary>
    public static string? ColumnShapeProblem(ChipPreset preset, string subject, IReadOnlyList<int> shape) =>
        shape.Count == 2 && shape[0] == preset.Tiles && shape[1] == preset.Cols
            ? null
            : $"{subject} holds {ShapeText(shape)} but the chip has {Count(preset.Tiles, "tile")} of {preset.Cols} columns";

    /// <summary>Why a stuck map of this shape (tiles × arrays × rows × cols) does not fit the chip, or null when it
    /// does.</summary>
    public static string? StuckShapeProblem(ChipPreset preset, IReadOnlyList<string> arrays, string subject, IReadOnlyList<int> shape) =>
        shape.SequenceEqual([preset.Tiles, arrays.Count, preset.Rows, preset.Cols]) ? null : StuckShapeMessage(preset, arrays, subject, ShapeText(shape));

    /// <summary>"4×32", as shapes are written in messages.</summary>
    public static string ShapeText(IReadOnlyList<int> shape) =>
        string.Join("×", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));

    internal static void Check(ChipPreset preset, DomainPhysics physics)
    {
        var mismatch = preset.ColumnMismatch;
        CheckColumns(preset, physics, mismatch.MeasuredGain, GainKey, mismatch.GainFile, "gains", "measured_gain", g => float.IsFinite(g) && g > 0, "a column gain must be finite and above 0");
        CheckColumns(preset, physics, mismatch.MeasuredOffset, OffsetKey, mismatch.OffsetFile, "offsets", "measured_offset", float.IsFinite, "a column offset must be finite");
        CheckStuck(preset, physics, preset.MeasuredStuck);
    }

    private static void CheckColumns(ChipPreset preset, DomainPhysics physics, float[][]? values, string key, string? file, string what, string memoryKey, Func<float, bool> valid, string rule)
    {
        if (values is null)
        {
            return;
        }

        var (name, subject) = Label(key, file, $"chip.column_mismatch.{memoryKey}");
        var perOutput = physics.ConversionsPerOutput * physics.Phases;
        if (perOutput != 1)
        {
            throw new AimcException($"{name}: {subject}: measured column {what} need one conversion per column; the {SnakeCase.Of(preset.Domain)} domain converts {perOutput} per output");
        }

        var width = values.Length == 0 ? 0 : values[0]?.Length ?? 0;
        if (values.Any(row => row is null || row.Length != width))
        {
            throw new AimcException($"{name}: {subject} has tiles of unequal length; it must be tiles × cols ({preset.Tiles}×{preset.Cols})");
        }

        if (ColumnShapeProblem(preset, subject, [values.Length, width]) is { } problem)
        {
            throw new AimcException($"{name}: {problem}");
        }

        for (var t = 0; t < values.Length; t++)
        {
            for (var c = 0; c < width; c++)
            {
                if (!valid(values[t][c]))
                {
                    var shown = values[t][c].ToString(CultureInfo.InvariantCulture);
                    throw new AimcException($"{name}: {subject} holds {shown} at tile {t}, column {c}; {rule}");
                }
            }
        }
    }

    private static void CheckStuck(ChipPreset preset, DomainPhysics physics, sbyte[]? codes)
    {
        if (codes is null)
        {
            return;
        }

        var (name, subject) = Label(StuckKey, preset.StuckMapFile, "chip.measured_stuck");
        var arrays = physics.Encoding.ArrayNames;
        if (codes.Length != (long)preset.Tiles * arrays.Count * preset.Rows * preset.Cols)
        {
            throw new AimcException($"{name}: {StuckShapeMessage(preset, arrays, subject, $"{codes.Length} codes")}");
        }

        for (var k = 0; k < codes.Length; k++)
        {
            if (StuckCodeProblem(preset, arrays, subject, k, codes[k]) is { } bad)
            {
                throw new AimcException($"{name}: {bad}");
            }
        }
    }

    /// <summary>Why code <paramref name="code"/> at flat position <paramref name="index"/> of a stuck map is not a
    /// stuck code, or null when it is one.</summary>
    public static string? StuckCodeProblem(ChipPreset preset, IReadOnlyList<string> arrays, string subject, int index, int code)
    {
        if (code is >= 0 and <= 2)
        {
            return null;
        }

        var cells = preset.Rows * preset.Cols;
        var device = index % cells;
        var array = index / cells % arrays.Count;
        var tile = index / (cells * arrays.Count);
        return $"{subject} holds code {code} at tile {tile}, array {array} ({arrays[array]}), row {device / preset.Cols}, column {device % preset.Cols}; stuck codes are 0 healthy, 1 stuck off, 2 stuck on";
    }

    private static string StuckShapeMessage(ChipPreset preset, IReadOnlyList<string> arrays, string subject, string held) =>
        $"{subject} holds {held} but the chip has {Count(preset.Tiles, "tile")} of {Count(arrays.Count, "device array")} ({string.Join(", ", arrays)}) of {preset.Rows}×{preset.Cols} devices";

    /// <summary>The key and the thing a message names: the file when one was given, else the in-memory array.</summary>
    private static (string Key, string Subject) Label(string fileKey, string? file, string memoryKey) =>
        file is null ? (memoryKey, "the measured array") : (fileKey, file);

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static DomainPhysics Physics(ChipPreset preset) => DomainPhysics.Create(preset, preset.CreateDevice());
}
