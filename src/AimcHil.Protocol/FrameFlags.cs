namespace AimcHil.Protocol;

/// <summary>Header flag bits (header bytes 6–7).</summary>
[Flags]
public enum FrameFlags : ushort
{
    None = 0,

    /// <summary>On REQ and RSP: the payload is a bulk descriptor; the object itself follows as DATA frames.</summary>
    Begin = 1 << 0,

    /// <summary>On REQ: the bulk object sent for this sequence is complete; execute the request on it.</summary>
    Commit = 1 << 1,

    /// <summary>On a host ACK during a download: frames were lost, send again from the acknowledged offset.</summary>
    Resend = 1 << 2,

    /// <summary>On a device ACK to a REQ: accepted and executing; the host waits the long execution timeout.</summary>
    Working = 1 << 3,
}
