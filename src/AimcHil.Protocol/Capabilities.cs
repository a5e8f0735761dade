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

    /// <summary>Protocol 1.1: the HELLO answer ends with the rig's request limits (<see cref="RigLimits"/>).</summary>
    Limits = 1 << 2,

    /// <summary>Protocol 1.1: the rig needs a shared secret; the HELLO answer ends with a challenge nonce, and every
    /// request but HELLO and AUTH is refused until the host answers it.</summary>
    Auth = 1 << 3,

    /// <summary>Protocol 1.3: the host may have several requests in flight (the HELLO answer ends with how many,
    /// <see cref="RigHello.PipelineDepth"/>); the rig answers them in order and caches that many answers.</summary>
    Pipeline = 1 << 4,
}
