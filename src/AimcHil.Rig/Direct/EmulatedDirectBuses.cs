using AimcHil.Core;

namespace AimcHil.Rig.Direct;

/// <summary>The seam to the register-level emulated bench (<c>AimcHil.Rig.Direct.Emulated.EmulatedBench</c>, written on
/// another branch): a rig file with <c>direct.emulated: true</c> and the CLI's direct bench get their buses here.
/// When EmulatedBench is merged, wire it once — <c>Factory = (config, chip) =&gt; new Emulated.EmulatedBench(config, chip);</c>
/// as the initializer below — and everything that opens emulated direct rigs works.</summary>
public static class EmulatedDirectBuses
{
    /// <summary>Builds buses whose TC1, converters and lines are emulated and wired to <c>chip</c>; null until wired.</summary>
    public static Func<DirectRigConfig, IAimcChip, IDirectBuses>? Factory { get; set; }

    public static bool IsAvailable => Factory is not null;

    /// <param name="where">The rig file, for the message when the emulation is not built in.</param>
    public static IDirectBuses Create(DirectRigConfig config, IAimcChip chip, string where) =>
        Factory is { } factory
            ? factory(config, chip)
            : throw new AimcException($"{where}: emulated direct buses are not built into this version (EmulatedDirectBuses.Factory is not wired to EmulatedBench); set direct.emulated: false to use the board's buses, or use an emulator rig");
}
