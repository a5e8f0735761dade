using AimcHil.Emulator.Devices;

namespace AimcHil.Training.Analog;

/// <summary>One chip's fixed pattern as characterization measured it (a calibrated twin's arrays): per-tile column
/// gains and offsets of the read-out chain, and stuck devices. What is not measured is left out, not guessed.</summary>
/// <remarks>Gains are relative (1 = nominal) and multiply a column's analog MAC before the ADC, as the emulator's
/// read-out does; offsets are in MAC units; stuck codes are 0 healthy, 1 stuck off, 2 stuck on, flat tiles × device
/// arrays (G⁺, G⁻) × rows × cols, the layout of a twin's stuck map.</remarks>
public sealed class MeasuredPattern
{
    /// <summary>Device arrays of a differential pair: the only encoding <see cref="CrossbarPhysics"/> models.</summary>
    public const int Arrays = 2;

    public MeasuredPattern(int tiles, int rows, int cols, float[][]? gain = null, float[][]? offsetMac = null, sbyte[]? stuck = null)
    {
        CheckColumns(gain, tiles, cols, nameof(gain));
        CheckColumns(offsetMac, tiles, cols, nameof(offsetMac));
        if (stuck is not null && stuck.Length != (long)tiles * Arrays * rows * cols)
        {
            throw new ArgumentException($"a stuck map must hold tiles × {Arrays} × rows × cols = {(long)tiles * Arrays * rows * cols} codes, not {stuck.Length}", nameof(stuck));
        }

        if (stuck is not null && stuck.Any(code => code is < 0 or > 2))
        {
            throw new ArgumentException("stuck codes are 0 healthy, 1 stuck off, 2 stuck on", nameof(stuck));
        }

        Tiles = tiles;
        Rows = rows;
        Cols = cols;
        Gain = gain;
        OffsetMac = offsetMac;
        Stuck = stuck;
    }

    public int Tiles { get; }

    public int Rows { get; }

    public int Cols { get; }

    /// <summary>Relative gain per tile and column (tiles × cols), or null when not measured.</summary>
    public float[][]? Gain { get; }

    /// <summary>Offset per tile and column in MAC units (tiles × cols), or null when not measured.</summary>
    public float[][]? OffsetMac { get; }

    /// <summary>Stuck codes, flat tiles × arrays × rows × cols, or null when not measured.</summary>
    public sbyte[]? Stuck { get; }

    public float GainOf(int tile, int col) => Gain is { } g ? g[tile][col] : 1f;

    public double OffsetOf(int tile, int col) => OffsetMac is { } o ? o[tile][col] : 0;

    /// <summary>The defect of device (<paramref name="row"/>, <paramref name="col"/>) of array <paramref name="array"/>
    /// (0 = G⁺, 1 = G⁻) of a tile.</summary>
    public StuckState StuckAt(int tile, int array, int row, int col) =>
        Stuck is { } s ? (StuckState)s[(((((tile * Arrays) + array) * Rows) + row) * Cols) + col] : StuckState.None;

    private static void CheckColumns(float[][]? values, int tiles, int cols, string name)
    {
        if (values is not null && (values.Length != tiles || values.Any(row => row is null || row.Length != cols)))
        {
            throw new ArgumentException($"{name} must be tiles × cols = {tiles}×{cols}", name);
        }
    }
}
