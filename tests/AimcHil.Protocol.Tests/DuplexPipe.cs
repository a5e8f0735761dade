namespace AimcHil.Protocol.Tests;

/// <summary>Two connected in-memory stream ends, full duplex, like the two sides of a serial cable.</summary>
internal static class DuplexPipe
{
    public static (PipeEnd Host, PipeEnd Device) Create()
    {
        var toDevice = new ByteQueue();
        var toHost = new ByteQueue();
        return (new PipeEnd(toHost, toDevice), new PipeEnd(toDevice, toHost));
    }
}

/// <summary>A one-way blocking byte queue.</summary>
internal sealed class ByteQueue
{
    private readonly Queue<byte[]> _chunks = new();
    private byte[]? _current;
    private int _at;
    private bool _closed;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Write(ReadOnlySpan<byte> bytes)
    {
        lock (_chunks)
        {
            if (_closed)
            {
                throw new IOException("the pipe is closed");
            }

            _chunks.Enqueue(bytes.ToArray());
            Monitor.PulseAll(_chunks);
            _arrived.TrySetResult();
        }
    }

    public int Read(Span<byte> buffer, CancellationToken cancellation)
    {
        lock (_chunks)
        {
            while (_current is null || _at == _current.Length)
            {
                if (_chunks.TryDequeue(out var next))
                {
                    (_current, _at) = (next, 0);
                    continue;
                }

                if (_closed)
                {
                    return 0;
                }

                cancellation.ThrowIfCancellationRequested();
                Monitor.Wait(_chunks, 20);
            }

            var n = Math.Min(buffer.Length, _current.Length - _at);
            _current.AsSpan(_at, n).CopyTo(buffer);
            _at += n;
            return n;
        }
    }

    /// <summary>Waits without holding a thread, so many served pipes do not starve the thread pool.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellation)
    {
        while (true)
        {
            Task arrived;
            lock (_chunks)
            {
                if ((_current is not null && _at < _current.Length) || _chunks.Count > 0 || _closed)
                {
                    return Read(buffer.Span, cancellation);
                }

                if (_arrived.Task.IsCompleted)
                {
                    _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                arrived = _arrived.Task;
            }

            await arrived.WaitAsync(cancellation).ConfigureAwait(false);
        }
    }

    public void Close()
    {
        lock (_chunks)
        {
            _closed = true;
            Monitor.PulseAll(_chunks);
            _arrived.TrySetResult();
        }
    }
}

/// <summary>One end of a <see cref="DuplexPipe"/>; <see cref="WriteFilter"/> can drop or alter whole writes (each
/// write is one frame) to play a lossy line.</summary>
internal sealed class PipeEnd(ByteQueue incoming, ByteQueue outgoing) : Stream
{
    /// <summary>Returns the bytes to put on the line instead (empty to lose them).</summary>
    public Func<byte[], byte[]>? WriteFilter { get; set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => incoming.Read(buffer.AsSpan(offset, count), CancellationToken.None);

    public override int Read(Span<byte> buffer) => incoming.Read(buffer, CancellationToken.None);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        incoming.ReadAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var bytes = WriteFilter is { } filter ? filter(buffer.ToArray()) : buffer.ToArray();
        outgoing.Write(bytes);
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        incoming.Close();
        outgoing.Close();
        base.Dispose(disposing);
    }
}
