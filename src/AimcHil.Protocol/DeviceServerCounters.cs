namespace AimcHil.Protocol;

/// <summary>What a <see cref="DeviceServer"/> has done, for tests and logs.</summary>
public sealed class DeviceServerCounters
{
    private long _executed;
    private long _fromCache;
    private long _framesSent;

    /// <summary>Requests that reached the chip (or failed before it); a retried request does not count again.</summary>
    public long Executed => Interlocked.Read(ref _executed);

    /// <summary>Retried requests answered from the response cache without touching the chip.</summary>
    public long AnsweredFromCache => Interlocked.Read(ref _fromCache);

    public long FramesSent => Interlocked.Read(ref _framesSent);

    /// <summary>Runs of bytes dropped for failing COBS, CRC or header checks.</summary>
    public long DroppedFrames { get; internal set; }

    internal void CountExecuted() => Interlocked.Increment(ref _executed);

    internal void CountFromCache() => Interlocked.Increment(ref _fromCache);

    internal void CountSent() => Interlocked.Increment(ref _framesSent);
}
