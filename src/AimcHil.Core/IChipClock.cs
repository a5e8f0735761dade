namespace AimcHil.Core;

/// <summary>The time a chip lives in: virtual in the emulator (so drift can be fast-forwarded), wall time on hardware.</summary>
public interface IChipClock
{
    /// <summary>Seconds since the chip was opened.</summary>
    double Seconds { get; }

    /// <summary>Whether <see cref="Advance"/> is possible (only for virtual time).</summary>
    bool IsVirtual { get; }

    /// <summary>Moves virtual time forward; real clocks refuse.</summary>
    void Advance(double seconds);
}
