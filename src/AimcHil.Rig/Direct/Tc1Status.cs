namespace AimcHil.Rig.Direct;

/// <summary>TC1's STATUS register bits; DONE and ERROR are latched and cleared by the read.</summary>
[Flags]
public enum Tc1Status : byte
{
    None = 0,

    /// <summary>A command runs.</summary>
    Busy = 1,

    /// <summary>A command finished since the last STATUS read.</summary>
    Done = 2,

    /// <summary>A write or command was refused since the last STATUS read.</summary>
    Error = 4,
}
