using AimcHil.Core;

namespace AimcHil.Protocol.Tests;

/// <summary>Passes calls to a chip and counts them; deliberately not reseedable, like hardware.</summary>
internal sealed class CountingChip(IAimcChip inner) : IAimcChip
{
    public int Programs { get; private set; }

    public int Mvms { get; private set; }

    public ChipInfo Info => inner.Info;

    public IChipClock Clock => inner.Clock;

    public ProgrammingReport Program(int tile, Grid<float> targets, WriteVerifyOptions options, Grid<bool>? only = null)
    {
        Programs++;
        return inner.Program(tile, targets, options, only);
    }

    public DeviceStates ReadBack(int tile) => inner.ReadBack(tile);

    public MvmResult Mvm(int tile, Grid<int> inputCodes)
    {
        Mvms++;
        return inner.Mvm(tile, inputCodes);
    }

    public void Dispose() => inner.Dispose();
}
