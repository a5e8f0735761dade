namespace AimcHil.Rig;

/// <summary>How a rig file reaches its chip.</summary>
public enum RigKind
{
    /// <summary>The in-process emulator with the file's preset.</summary>
    Emulator,
}
