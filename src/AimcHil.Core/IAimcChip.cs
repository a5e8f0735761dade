namespace AimcHil.Core;

/// <summary>The one contract between the host and any AIMC chip: emulated, over a serial bridge, or wired directly.</summary>
public interface IAimcChip : IDisposable
{
    ChipInfo Info { get; }

    IChipClock Clock { get; }

    /// <summary>Programs a tile. Targets are normalized weights in [-1, 1]; a grid smaller than the tile programs its
    /// top-left corner and zeroes the rest. With <paramref name="only"/> (same shape as the targets) just those weights
    /// are rewritten and every other device keeps its state, as hardware-in-the-loop reprogramming of moved weights does.</summary>
    ProgrammingReport Program(int tile, Grid<float> targets, WriteVerifyOptions options, Grid<bool>? only = null);

    /// <summary>Programs several tiles (a layer split across tiles) and reports in the same order, as calling
    /// <see cref="Program(int, Grid{float}, WriteVerifyOptions, Grid{bool}?)"/> for each in turn would. A rig behind a
    /// serial line keeps them in flight together.</summary>
    IReadOnlyList<ProgrammingReport> Program(IReadOnlyList<TileProgramming> programs) =>
        [.. programs.Select(p => Program(p.Tile, p.Targets, p.Options, p.Only))];

    /// <summary>Reads the device states of a tile, one device at a time (slow on hardware; for characterization).</summary>
    DeviceStates ReadBack(int tile);

    /// <summary>Runs a batch of MVMs. Inputs are batch × n signed DAC codes, n ≤ Rows (missing rows get code 0).</summary>
    MvmResult Mvm(int tile, Grid<int> inputCodes);

    /// <summary>An MVM that returns only the output columns in <paramref name="columns"/> (batch × columns.Count),
    /// equal to those columns of <see cref="Mvm(int, Grid{int})"/>: a small layer's block pays for its own outputs
    /// only on a chip that can compute them alone.</summary>
    /// <remarks>By default the full MVM, sliced: the protocol and the chips that measure every column are unchanged.
    /// An override must give the same values and leave the chip in the same state (random streams included) as the
    /// full MVM would. <see cref="MvmResult.SaturatedOutputs"/> counts the outputs the chip converted: every column
    /// of the tile by default, only the range's where the chip computes only those (the emulator).</remarks>
    MvmResult Mvm(int tile, Grid<int> inputCodes, ColumnRange columns) => Mvm(tile, inputCodes).Columns(columns);

    /// <summary>Runs the MVMs of several tiles (a layer split across tiles) and answers in the same order, as calling
    /// <see cref="Mvm(int, Grid{int})"/> for each in turn would. A rig behind a serial line keeps them in flight
    /// together, so one tile's codes cross the line while the rig computes and answers another's.</summary>
    IReadOnlyList<MvmResult> Mvm(IReadOnlyList<TileMvm> mvms) =>
        [.. mvms.Select(m => m.Columns is { } columns ? Mvm(m.Tile, m.InputCodes, columns) : Mvm(m.Tile, m.InputCodes))];
}
