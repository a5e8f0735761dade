using AimcHil.Core;

namespace AimcHil.Emulator;

/// <summary>Virtual time of an emulated chip: advanced by its own operations and by the user, never by the wall clock,
/// so a run is reproducible and hours of drift cost nothing.</summary>
public sealed class VirtualClock : IChipClock
{
    public double Seconds { get; private set; }

    public bool IsVirtual => true;

    public void Advance(double seconds)
    {
        if (!(seconds >= 0) || double.IsInfinity(seconds))
        {
            throw new AimcException($"the clock can only move forward by a finite time, not {seconds} s");
        }

        Seconds += seconds;
    }
}
