using AimcHil.Core;

namespace AimcHil.Training.Tests.Runs;

/// <summary>An emulated chip seen only through the chip contract, as a virtual, serial or direct rig is: its design is
/// not at hand, it cannot be reseeded, and it answers a programming with the full per-weight report.</summary>
internal sealed class HiddenDesignChip(IAimcChip inner) : IAimcChip
{
    public ChipInfo Info => inner.Info;

    public IChipClock Clock => inner.Clock;

    public ProgrammingReport Program(int tile, Grid<float> targets, WriteVerifyOptions options, Grid<bool>? only = null) => inner.Program(tile, targets, options, only);

    public DeviceStates ReadBack(int tile) => inner.ReadBack(tile);

    public MvmResult Mvm(int tile, Grid<int> inputCodes) => inner.Mvm(tile, inputCodes);

    public void Dispose() => inner.Dispose();
}
