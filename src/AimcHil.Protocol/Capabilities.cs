namespace AimcHil.Protocol;

/// <summary>What a rig can do beyond the core messages (HELLO's u32 capability bits).</summary>
[Flags]
public enum Capabilities : uint
{
    None = 0,

    /// <summary>RESEED works: the rig is an emulator whose noise streams restart from a seed.</summary>
    Reseed = 1 << 0,

    /// <summary>The clock is virtual and CLOCK_ADVANCE moves it; otherwise it is wall time and refuses.</summary>
    VirtualClock = 1 << 1,
}
