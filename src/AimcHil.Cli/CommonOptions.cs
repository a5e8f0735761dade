using System.CommandLine;

namespace AimcHil.Cli;

/// <summary>Options shared by every command that opens a rig.</summary>
internal static class CommonOptions
{
    public static Option<FileInfo> Rig() => new("--rig")
    {
        Description = "rig file (hil-rigs/*.yaml)",
        Required = true,
    };

    public static Option<bool> Json() => new("--json") { Description = "print one JSON object on stdout" };

    public static Option<bool> Ideal() => new("--ideal") { Description = "switch every non-ideality off (emulator rigs)" };

    public static Option<string?> Port() => new("--port") { Description = "override the rig file's port (serial and tcp rigs): a tty path or HOST:PORT" };

    public static Option<ulong?> Seed() => new("--seed") { Description = "seed for the emulator and random data (default: the rig file's)" };
}
