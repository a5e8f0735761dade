namespace AimcHil.Core;

/// <summary>An error the user can cause and fix (bad rig file, wrong shape, missing file); the CLI prints its message alone.</summary>
public sealed class AimcException : Exception
{
    public AimcException(string message)
        : base(message)
    {
    }

    public AimcException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
