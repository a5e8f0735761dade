using AimcHil.Hardware.Native;

namespace AimcHil.Hardware;

/// <summary>A Stream over a non-blocking file descriptor (a tty or a pty master): one reader thread sleeps in
/// poll() on the descriptor and an eventfd, and moves whatever arrives into a <see cref="ReceiveQueue"/>;
/// reads wait on that queue, writes go straight to the descriptor, waiting in poll() when the kernel is full.</summary>
internal sealed unsafe class DescriptorStream : TimedStream
{
    private const int ChunkBytes = 64 * 1024;

    private readonly int _fd;
    private readonly int _wakeFd;
    private readonly string _name;
    private readonly Func<int, Exception> _describeLoss;
    private readonly Action<int>? _releasing;
    private readonly Thread _reader;
    private readonly object _writeGate = new();
    private volatile bool _disposed;

    /// <param name="fd">An open descriptor with O_NONBLOCK set; this stream closes it.</param>
    /// <param name="describeLoss">The error the reader reports when the line goes away, given errno (0 for end of file).</param>
    /// <param name="releasing">Runs on the descriptor just before it is closed (undo exclusive modes, locks).</param>
    public DescriptorStream(int fd, string name, Func<int, Exception> describeLoss, Action<int>? releasing = null, int capacity = 1 << 20)
    {
        _fd = fd;
        _name = name;
        _describeLoss = describeLoss;
        _releasing = releasing;
        Received = new ReceiveQueue(capacity);
        _wakeFd = LibC.EventFd(0, LibC.CloseOnExec | LibC.EventNonBlocking);
        if (_wakeFd < 0)
        {
            throw new IOException($"{name}: eventfd failed: {Errno.Describe(LibC.LastError)}");
        }

        _reader = new Thread(ReadLoop) { IsBackground = true, Name = $"reader {name}" };
        _reader.Start();
    }

    public override string LinkName => _name;

    /// <summary>What arrived and was not read yet.</summary>
    public ReceiveQueue Received { get; }

    /// <summary>The descriptor, for ioctls of the owner while the stream is open.</summary>
    public int Descriptor => _fd;

    protected override int ReadCore(Span<byte> buffer, int timeoutMs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var n = Received.Dequeue(buffer, timeoutMs);
        return n == ReceiveQueue.TimedOut ? throw ReadTimedOut(timeoutMs) : n;
    }

    protected override void WriteCore(ReadOnlySpan<byte> buffer, int timeoutMs)
    {
        lock (_writeGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var deadline = timeoutMs < 0 ? long.MaxValue : Environment.TickCount64 + timeoutMs;
            fixed (byte* start = buffer)
            {
                var done = 0;
                while (done < buffer.Length)
                {
                    var n = LibC.Write(_fd, start + done, (nuint)(buffer.Length - done));
                    if (n > 0)
                    {
                        done += (int)n;
                        continue;
                    }

                    var errno = n < 0 ? LibC.LastError : Errno.TryAgain;
                    if (errno == Errno.Interrupted)
                    {
                        continue;
                    }

                    if (errno != Errno.TryAgain)
                    {
                        throw _describeLoss(errno);
                    }

                    var left = timeoutMs < 0 ? -1 : (int)Math.Max(0, deadline - Environment.TickCount64);
                    if (timeoutMs >= 0 && left == 0)
                    {
                        throw WriteTimedOut(timeoutMs);
                    }

                    WaitWritable(left);
                    if (_disposed)
                    {
                        throw new ObjectDisposedException(_name, $"{_name}: closed while sending");
                    }
                }
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // Wake the reader (and any writer) out of poll(); the eventfd stays readable, so every poller sees it.
        ulong one = 1;
        _ = LibC.Write(_wakeFd, (byte*)&one, sizeof(ulong));
        Received.Complete();
        if (Thread.CurrentThread != _reader)
        {
            _reader.Join();
        }

        // The descriptor is closed only once no thread can still be inside read()/write() on it, so the number
        // cannot be reused under a late call.
        lock (_writeGate)
        {
            _releasing?.Invoke(_fd);
            _ = LibC.Close(_fd);
            _ = LibC.Close(_wakeFd);
        }

        base.Dispose(disposing);
    }

    private void WaitWritable(int timeoutMs)
    {
        var fds = stackalloc PollFd[2];
        fds[0] = new PollFd { Descriptor = _fd, Events = PollFd.Out };
        fds[1] = new PollFd { Descriptor = _wakeFd, Events = PollFd.In };
        var r = LibC.Poll(fds, 2, timeoutMs);
        if (r < 0 && LibC.LastError != Errno.Interrupted)
        {
            throw new IOException($"{_name}: poll failed: {Errno.Describe(LibC.LastError)}");
        }
    }

    private void ReadLoop()
    {
        var chunk = new byte[ChunkBytes];
        var fds = stackalloc PollFd[2];
        try
        {
            while (true)
            {
                fds[0] = new PollFd { Descriptor = _fd, Events = PollFd.In };
                fds[1] = new PollFd { Descriptor = _wakeFd, Events = PollFd.In };
                var r = LibC.Poll(fds, 2, -1);
                if (r < 0)
                {
                    var errno = LibC.LastError;
                    if (errno == Errno.Interrupted)
                    {
                        continue;
                    }

                    Received.Complete(new IOException($"{_name}: poll failed: {Errno.Describe(errno)}"));
                    return;
                }

                if (fds[1].ReturnedEvents != 0 || _disposed)
                {
                    return;
                }

                var events = fds[0].ReturnedEvents;
                if (events == 0)
                {
                    continue;
                }

                nint n;
                fixed (byte* p = chunk)
                {
                    n = LibC.Read(_fd, p, (nuint)chunk.Length);
                }

                if (n > 0)
                {
                    if (Received.Enqueue(chunk.AsSpan(0, (int)n)) < n)
                    {
                        return;
                    }

                    continue;
                }

                var readErrno = n == 0 ? 0 : LibC.LastError;
                if (readErrno == Errno.Interrupted || (readErrno == Errno.TryAgain && (events & PollFd.HangUp) == 0))
                {
                    continue;
                }

                // End of file, EIO or a hang-up with nothing left to read: the other end (device, bridge, pty
                // master) is gone, and every later read should say so.
                Received.Complete(_describeLoss(readErrno));
                return;
            }
        }
        catch (Exception e)
        {
            Received.Complete(e);
        }
    }
}
