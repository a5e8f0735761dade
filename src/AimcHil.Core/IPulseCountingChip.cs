namespace AimcHil.Core;

/// <summary>A chip that can program a tile and answer with the pulses spent alone: training that reprograms every
/// step reads only that count, and the per-weight report costs four tile-sized grids per call.</summary>
public interface IPulseCountingChip
{
    /// <summary>Programs the targets (the selected ones) into a tile as <see cref="IAimcChip.Program(int, Grid{float}, WriteVerifyOptions, Grid{bool}?)"/>
    /// does, the same pulses and the same random draws, and returns the pulses spent.</summary>
    long ProgramPulses(int tile, Grid<float> targets, WriteVerifyOptions options, Grid<bool>? only = null);
}
