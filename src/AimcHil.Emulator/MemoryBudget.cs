using System.Globalization;
using AimcHil.Core;

namespace AimcHil.Emulator;

/// <summary>What an emulated chip of a geometry holds in memory, so a chip that cannot fit is refused with the numbers
/// when it is opened instead of failing with an out-of-memory crash halfway through building its tiles.</summary>
/// <remarks>The figures are lower bounds of what <see cref="TileState"/> and one tile's compute view allocate: a chip
/// this estimate refuses can never be built, and one near the limit may still run short (the rig reader catches that
/// too).</remarks>
public static class MemoryBudget
{
    /// <summary>Per device of every array of every tile: target, programmed state, drift exponent and mismatch as
    /// float32, and a one-byte stuck state.</summary>
    public const int BytesPerDevice = (4 * sizeof(float)) + 1;

    /// <summary>Per weight of every tile: its float32 target.</summary>
    public const int BytesPerWeight = sizeof(float);

    /// <summary>Per cell of the tile in use: its effective conductances and network solution (measured at 32 to 120
    /// bytes a cell on the presets with IR drop).</summary>
    public const int ComputeBytesPerCell = 128;

    /// <summary>Bytes the chip needs: every tile's state and one tile's compute view.</summary>
    public static double Needed(int rows, int cols, int tiles, int arrays)
    {
        var cells = (double)rows * cols;
        return (tiles * cells * ((arrays * (double)BytesPerDevice) + BytesPerWeight)) + (cells * ComputeBytesPerCell);
    }

    /// <summary>Bytes this process may still use (the machine's or the container's limit, as the GC sees it).</summary>
    public static double Available() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Throws when the chip needs more than <paramref name="availableBytes"/>.</summary>
    public static void Check(ChipPreset preset, int arrays, double availableBytes)
    {
        var needed = Needed(preset.Rows, preset.Cols, preset.Tiles, arrays);
        if (needed > availableBytes)
        {
            throw new AimcException(
                $"{preset.Tiles} tiles of {preset.Rows}×{preset.Cols} cells ({arrays} device arrays each) need about {Gigabytes(needed)} of memory and {Gigabytes(availableBytes)} are available: lower tiles, rows or cols (see hil-rigs/RIG-FILE.md, limits)");
        }
    }

    /// <summary>A byte count in GB (10⁹ bytes) with one decimal.</summary>
    public static string Gigabytes(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:F1} GB");
}
