namespace AimcHil.Hardware;

/// <summary>The common shape of every byte link here: a non-seekable duplex Stream whose reads block until at
/// least one byte arrives or <see cref="ReadTimeout"/> passes (then <see cref="TimeoutException"/>), as
/// System.IO.Ports' serial stream does.</summary>
public abstract class TimedStream : Stream
{
    /// <summary>Wait forever, as System.IO.Ports.SerialPort.InfiniteTimeout.</summary>
    public const int InfiniteTimeout = -1;

    private int _readTimeout = InfiniteTimeout;
    private int _writeTimeout = InfiniteTimeout;

    /// <summary>Names the link in messages, e.g. "/dev/ttyACM0" or "127.0.0.1:5555".</summary>
    public abstract string LinkName { get; }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override bool CanTimeout => true;

    /// <summary>Milliseconds a read waits for its first byte; <see cref="InfiniteTimeout"/> waits forever, 0 only
    /// takes what is already there.</summary>
    public override int ReadTimeout
    {
        get => _readTimeout;
        set => _readTimeout = CheckTimeout(value);
    }

    /// <summary>Milliseconds a write may wait for room in the link before <see cref="TimeoutException"/>.</summary>
    public override int WriteTimeout
    {
        get => _writeTimeout;
        set => _writeTimeout = CheckTimeout(value);
    }

    public override long Length => throw new NotSupportedException($"{LinkName}: a byte link has no length");

    public override long Position
    {
        get => throw new NotSupportedException($"{LinkName}: a byte link has no position");
        set => throw new NotSupportedException($"{LinkName}: a byte link has no position");
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException($"{LinkName}: a byte link cannot seek");

    public override void SetLength(long value) => throw new NotSupportedException($"{LinkName}: a byte link has no length");

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer) => ReadCore(buffer, _readTimeout);

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    public override void Write(ReadOnlySpan<byte> buffer) => WriteCore(buffer, _writeTimeout);

    public override void WriteByte(byte value) => Write([value]);

    // The synchronous paths block a thread by design (one reader thread already waits in poll); the async
    // overloads run them on the pool so callers that await still get the same timeout semantics, and a cancelled
    // token ends a waiting read within CancellationPollMs (a server stopped with Ctrl-C must not wait for a byte).
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Task.Run(() => ReadUntilCancelled(buffer, cancellationToken), cancellationToken));

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.Run(() => Write(buffer, offset, count), cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(Task.Run(() => Write(buffer.Span), cancellationToken));

    /// <summary>Reads at least one byte within <paramref name="timeoutMs"/>, or 0 at the end of the stream.</summary>
    protected abstract int ReadCore(Span<byte> buffer, int timeoutMs);

    /// <summary>How often a read waiting on behalf of a cancellable caller looks at its token.</summary>
    private const int CancellationPollMs = 50;

    /// <summary>A read with the stream's ReadTimeout, in slices short enough to notice <paramref name="cancellation"/>.</summary>
    private int ReadUntilCancelled(Memory<byte> buffer, CancellationToken cancellation)
    {
        var timeout = _readTimeout;
        if (!cancellation.CanBeCanceled)
        {
            return ReadCore(buffer.Span, timeout);
        }

        var deadline = timeout == InfiniteTimeout ? long.MaxValue : Environment.TickCount64 + timeout;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var left = deadline - Environment.TickCount64;
            try
            {
                return ReadCore(buffer.Span, (int)Math.Clamp(left, 0, CancellationPollMs));
            }
            catch (TimeoutException) when (deadline - Environment.TickCount64 > 0)
            {
                // Not yet the caller's timeout: look at the token and wait on.
            }
            catch (TimeoutException)
            {
                throw ReadTimedOut(timeout);
            }
        }
    }

    /// <summary>Writes every byte within <paramref name="timeoutMs"/>.</summary>
    protected abstract void WriteCore(ReadOnlySpan<byte> buffer, int timeoutMs);

    /// <summary>The exception a read that waited in vain throws.</summary>
    protected TimeoutException ReadTimedOut(int timeoutMs) =>
        new($"{LinkName}: nothing received within {timeoutMs} ms (ReadTimeout)");

    /// <summary>The exception a write that found no room in time throws.</summary>
    protected TimeoutException WriteTimedOut(int timeoutMs) =>
        new($"{LinkName}: could not send within {timeoutMs} ms (WriteTimeout): is the other side reading?");

    /// <summary>The value when it is a valid timeout (>= 0 ms, or -1 for forever).</summary>
    internal static int CheckTimeout(int value)
    {
        if (value < InfiniteTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "a timeout is milliseconds >= 0, or -1 (InfiniteTimeout) to wait forever");
        }

        return value;
    }
}
