using AimcHil.Emulator;

namespace AimcHil.Rig;

/// <summary>A parsed rig file (<c>hil-rigs/*.yaml</c>): what kind of rig it is and everything needed to open it.</summary>
public sealed record RigFile
{
    public RigKind Kind { get; init; } = RigKind.Emulator;

    /// <summary>One line for people: what chip this is and what it is for.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>Seed used when the command line gives none (emulator rigs).</summary>
    [ValidRange(0, double.PositiveInfinity)]
    public ulong Seed { get; init; } = 1;

    /// <summary>The emulated chip (kind emulator; kind direct with emulated buses).</summary>
    public ChipPreset? Chip { get; init; }

    /// <summary>Buses, lines and converter parts of a direct rig (kind direct).</summary>
    public Direct.DirectRigConfig? Direct { get; init; }

    /// <summary>Where the bridge is (kinds serial and tcp): a tty path such as /dev/ttyACM0, or HOST:PORT.</summary>
    public string? Port { get; init; }

    /// <summary>Line rate of a serial bridge, in bits per second (any rate the UART takes: custom rates are set exactly).</summary>
    [ValidRange(1, 100_000_000)]
    public int BaudRate { get; init; } = 921600;

    /// <summary>How long one request waits for its answer before it is sent again.</summary>
    [ValidRange(1, 600_000)]
    public int TimeoutMs { get; init; } = 500;

    /// <summary>How many times a request is sent before the rig is declared not answering.</summary>
    [ValidRange(1, 100)]
    public int Attempts { get; init; } = 3;

    /// <summary>A file holding the shared secret of a rig server that asks for one (aimc emulate --secret-file), relative
    /// to the rig file; readable only by its owner. The secret itself never goes into a rig file.</summary>
    public string? SecretFile { get; init; }

    /// <summary>How PROGRAM sends weight targets to a protocol 1.2 bridge: q14 (16-bit fixed point, the default, finer
    /// than any device holds a weight) or f32 (bit-exact, for runs that must equal an in-process run).</summary>
    public Protocol.TargetFormat TargetFormat { get; init; } = Protocol.TargetFormat.Q14;

    /// <summary>Where the file was read from, for messages.</summary>
    public string Path { get; init; } = string.Empty;
}
