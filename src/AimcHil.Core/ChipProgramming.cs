namespace AimcHil.Core;

/// <summary>Programming with a stated need for detail, on any chip.</summary>
public static class ChipProgramming
{
    /// <summary>Programs as <see cref="IAimcChip.Program(int, Grid{float}, WriteVerifyOptions, Grid{bool}?)"/> does and returns a report with at least
    /// <paramref name="detail"/>: an in-process chip always reports per weight, a rig over a link only when asked.</summary>
    public static ProgrammingReport Program(this IAimcChip chip, int tile, Grid<float> targets, WriteVerifyOptions options, Grid<bool>? only, ProgrammingDetail detail) =>
        chip is IDetailedProgrammingChip detailed
            ? detailed.Program(tile, targets, options, only, detail)
            : chip.Program(tile, targets, options, only);
}
