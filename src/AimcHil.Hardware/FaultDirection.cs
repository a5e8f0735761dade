namespace AimcHil.Hardware;

/// <summary>Which bytes a <see cref="FaultyStream"/> damages: those written through it, those read through it, or both.</summary>
[Flags]
public enum FaultDirection
{
    /// <summary>Bytes passed to Write, on their way into the wrapped stream.</summary>
    Writes = 1,

    /// <summary>Bytes coming out of the wrapped stream, on their way to the reader.</summary>
    Reads = 2,

    Both = Writes | Reads,
}
