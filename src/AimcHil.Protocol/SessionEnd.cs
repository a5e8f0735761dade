namespace AimcHil.Protocol;

/// <summary>Why a <see cref="DeviceServer"/> stopped serving a host: whatever it was, the server lives on.</summary>
public enum SessionEnd
{
    /// <summary>The host closed the line.</summary>
    Closed,

    /// <summary>The line failed under a read or a write (the host was killed, reset the connection).</summary>
    Lost,

    /// <summary>The host stopped reading: an answer could not be written within the idle timeout.</summary>
    StoppedReading,

    /// <summary>No complete frame arrived within the idle timeout.</summary>
    Idle,

    /// <summary>The host failed authentication.</summary>
    Refused,

    /// <summary>The server was told to stop.</summary>
    Stopped,
}
