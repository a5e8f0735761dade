namespace AimcHil.Protocol;

/// <summary>What a <see cref="HostSession"/> has seen on the wire, for a run summary.</summary>
public sealed class HostSessionCounters
{
    private long _requests;
    private long _retries;
    private long _resets;
    private long _framesSent;
    private long _bytesSent;
    private long _bytesReceived;
    private long _events;
    private long _stale;

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Frames sent again after a timeout (requests, lost DATA, download resend requests).</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Byte runs the host dropped for failing COBS, CRC or header checks.</summary>
    public long DroppedFrames { get; internal set; }

    /// <summary>Rig resets noticed through a changed boot counter.</summary>
    public long ResetsDetected => Interlocked.Read(ref _resets);

    public long FramesSent => Interlocked.Read(ref _framesSent);

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>EVT frames received (BOOT).</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Good frames that belonged to no current exchange (late answers to an earlier attempt).</summary>
    public long StaleFrames => Interlocked.Read(ref _stale);

    public override string ToString() =>
        $"{Requests} requests, {Retries} retries, {DroppedFrames} dropped frames, {ResetsDetected} rig resets, {BytesSent} bytes sent, {BytesReceived} received";

    internal void CountRequest() => Interlocked.Increment(ref _requests);

    internal void CountRetry() => Interlocked.Increment(ref _retries);

    internal void CountReset() => Interlocked.Increment(ref _resets);

    internal void CountSent(int bytes)
    {
        Interlocked.Increment(ref _framesSent);
        Interlocked.Add(ref _bytesSent, bytes);
    }

    internal void CountReceived(int bytes) => Interlocked.Add(ref _bytesReceived, bytes);

    internal void CountEvent() => Interlocked.Increment(ref _events);

    internal void CountStale() => Interlocked.Increment(ref _stale);
}
