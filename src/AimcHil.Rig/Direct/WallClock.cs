using System.Diagnostics;
using AimcHil.Core;

namespace AimcHil.Rig.Direct;

/// <summary>Wall-clock time of a chip on real wires: drift happens at the pace of the world and cannot be skipped.</summary>
public sealed class WallClock(string chipName) : IChipClock
{
    private readonly Stopwatch _since = Stopwatch.StartNew();

    public double Seconds => _since.Elapsed.TotalSeconds;

    public bool IsVirtual => false;

    public void Advance(double seconds) =>
        throw new AimcException($"{chipName}: runs in wall-clock time, which cannot be advanced; wait {seconds:G4} s instead, or use an emulator rig to fast-forward drift");
}
