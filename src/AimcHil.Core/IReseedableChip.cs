namespace AimcHil.Core;

/// <summary>A chip whose randomness can be restarted from a seed (an emulator), so a resumed run can reproduce the
/// draws an uninterrupted one made. Hardware has no such thing.</summary>
public interface IReseedableChip
{
    /// <summary>Restarts the programming and read noise streams from <paramref name="seed"/>; the fixed pattern the
    /// chip was made with stays.</summary>
    void Reseed(ulong seed);

    /// <summary>Whether <see cref="Reseed"/> works on this chip now (a protocol chip can reseed only an emulator behind it).</summary>
    bool CanReseed => true;
}
