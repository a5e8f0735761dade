namespace AimcHil.Rig;

/// <summary>What the command line may change about a rig when it is opened.</summary>
public sealed record RigOptions
{
    /// <summary>Overrides the rig file's seed.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Switch every non-ideality off (emulator rigs).</summary>
    public bool Ideal { get; init; }

    /// <summary>Overrides the rig file's port (serial and tcp rigs): a tty path or HOST:PORT.</summary>
    public string? Port { get; init; }
}
