namespace AimcHil.Core;

/// <summary>A chip whose programming report may leave out the per-weight grids unless asked for them (a rig over a
/// link, where they cost far more line time than the programming itself); its plain <see cref="IAimcChip.Program(int, Grid{float}, WriteVerifyOptions, Grid{bool}?)"/>
/// answers with what it has cheaply, never with grids it did not measure.</summary>
public interface IDetailedProgrammingChip
{
    ProgrammingReport Program(int tile, Grid<float> targets, WriteVerifyOptions options, Grid<bool>? only, ProgrammingDetail detail);
}
