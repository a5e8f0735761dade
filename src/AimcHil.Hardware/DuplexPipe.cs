namespace AimcHil.Hardware;

/// <summary>Two connected in-memory Streams for unit tests, a link without a kernel: what <see cref="Host"/> writes,
/// <see cref="Device"/> reads and back; reads block up to ReadTimeout like a serial port's, and a full direction
/// (capacity bytes unread) blocks the writer up to WriteTimeout.</summary>
public sealed class DuplexPipe : IDisposable
{
    public DuplexPipe(int capacity = 1 << 20)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        var toDevice = new ReceiveQueue(capacity);
        var toHost = new ReceiveQueue(capacity);
        Host = new PipeEnd("pipe (host end)", incoming: toHost, outgoing: toDevice);
        Device = new PipeEnd("pipe (device end)", incoming: toDevice, outgoing: toHost);
    }

    /// <summary>The end a host session uses.</summary>
    public TimedStream Host { get; }

    /// <summary>The end a device server uses.</summary>
    public TimedStream Device { get; }

    /// <summary>Closes both ends.</summary>
    public void Dispose()
    {
        Host.Dispose();
        Device.Dispose();
    }
}
