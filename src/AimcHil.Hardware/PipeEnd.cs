namespace AimcHil.Hardware;

/// <summary>One end of a <see cref="DuplexPipe"/>: reads from one queue, writes into the other end's queue. Closing
/// it ends the other end's stream (reads return 0 once drained, writes fail).</summary>
internal sealed class PipeEnd(string name, ReceiveQueue incoming, ReceiveQueue outgoing) : TimedStream
{
    private bool _disposed;

    public override string LinkName => name;

    protected override int ReadCore(Span<byte> buffer, int timeoutMs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var n = incoming.Dequeue(buffer, timeoutMs);
        return n == ReceiveQueue.TimedOut ? throw ReadTimedOut(timeoutMs) : n;
    }

    protected override void WriteCore(ReadOnlySpan<byte> buffer, int timeoutMs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var accepted = outgoing.Enqueue(buffer, timeoutMs);
        if (accepted < buffer.Length)
        {
            throw outgoing.IsCompleted
                ? new IOException($"{name}: the other end of the pipe is closed")
                : WriteTimedOut(timeoutMs);
        }
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        incoming.Complete();
        outgoing.Complete();
        base.Dispose(disposing);
    }
}
