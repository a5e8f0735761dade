using AimcHil.Emulator;

namespace AimcHil.Rig;

/// <summary>A parsed rig file (<c>hil-rigs/*.yaml</c>): what kind of rig it is and everything needed to open it.</summary>
public sealed record RigFile
{
    public RigKind Kind { get; init; } = RigKind.Emulator;

    /// <summary>One line for people: what chip this is and what it is for.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>Seed used when the command line gives none (emulator rigs).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The emulated chip (kind emulator).</summary>
    public ChipPreset? Chip { get; init; }

    /// <summary>Where the file was read from, for messages.</summary>
    public string Path { get; init; } = string.Empty;
}
