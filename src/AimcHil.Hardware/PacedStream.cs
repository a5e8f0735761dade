using System.Diagnostics;

namespace AimcHil.Hardware;

/// <summary>A Stream wrapper that moves bytes no faster than a UART line at a given baud rate, in each direction on
/// its own schedule: how the virtual rig stands in for a bridge whose serial line, not its pseudo-terminal, sets the
/// pace (link benchmarks, timeout behaviour under a slow line).</summary>
/// <remarks>Bytes reach the other side only once the line would have carried them: a write hands its bytes on a
/// chunk at a time, each when its last bit would have left, and a read returns bytes only once they would have
/// arrived. The schedule is absolute (bytes × bits per byte / baud from the moment the line went busy), so sleeping
/// late never slows the line down on average.
/// <para>The two directions are independent, as a UART's are: a pump thread takes incoming bytes off the inner
/// stream the moment the other side writes them and stamps when each chunk would have arrived, so bytes that cross
/// the line while the owner is busy writing (a rig sending one answer while the host already sends the next request)
/// are there when it reads, not charged again from the moment it gets round to reading.</para></remarks>
public sealed class PacedStream : LinkFilter
{
    // Short enough that the other side sees a steady stream, long enough that sleeping is not the cost.
    private const int ChunkBytes = 256;

    // How often the pump looks whether it was disposed while the line is quiet.
    private const int PumpPollMs = 20;

    // Incoming bytes held for the reader; past this the pump stops taking more, so the writer sees back-pressure.
    private const int MaxHeldBytes = 1 << 20;

    private readonly double _secondsPerByte;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _writeGate = new();
    private readonly object _incoming = new();
    private readonly Queue<Arrival> _arrivals = new();
    private readonly Thread _pump;
    private double _writeLineFreeAt;
    private double _readLineFreeAt;
    private int _heldBytes;
    private int _readTimeoutMs = Timeout.Infinite;
    private bool _endOfStream;
    private Exception? _readFailure;
    private volatile bool _disposed;

    /// <param name="bitsPerByte">Bits on the wire per byte: 10 for 8N1 (a start and a stop bit).</param>
    public PacedStream(Stream inner, int baudRate, int bitsPerByte = 10, bool leaveOpen = false)
        : base(inner, leaveOpen)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(baudRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bitsPerByte, 1);
        if (!inner.CanTimeout)
        {
            // The pump must be able to stop: a read that never times out would hold it (and steal the next owner's
            // bytes) after Dispose.
            throw new ArgumentException("a paced link needs an inner stream whose reads time out", nameof(inner));
        }

        BaudRate = baudRate;
        _secondsPerByte = (double)bitsPerByte / baudRate;
        _pump = new Thread(Pump) { IsBackground = true, Name = "paced link" };
        _pump.Start();
    }

    public int BaudRate { get; }

    /// <summary>Bytes per second the line carries in each direction.</summary>
    public double BytesPerSecond => 1 / _secondsPerByte;

    public override bool CanTimeout => true;

    /// <summary>How long a read waits for a byte to arrive before <see cref="TimeoutException"/>; the inner stream's
    /// own timeout belongs to the pump.</summary>
    public override int ReadTimeout
    {
        get => _readTimeoutMs;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, Timeout.Infinite);
            _readTimeoutMs = value;
        }
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var deadline = _readTimeoutMs == Timeout.Infinite ? double.PositiveInfinity : Now + (_readTimeoutMs / 1000.0);
        lock (_incoming)
        {
            while (true)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                var now = Now;
                if (_arrivals.TryPeek(out var head) && head.ArrivesAt <= now)
                {
                    var n = Math.Min(buffer.Length, head.Bytes.Length - head.Taken);
                    head.Bytes.AsSpan(head.Taken, n).CopyTo(buffer);
                    head.Taken += n;
                    _heldBytes -= n;
                    if (head.Taken == head.Bytes.Length)
                    {
                        _arrivals.Dequeue();
                    }

                    Monitor.PulseAll(_incoming);
                    return n;
                }

                if (head is null)
                {
                    if (_readFailure is { } failure)
                    {
                        throw failure is IOException or ObjectDisposedException ? failure : new IOException(failure.Message, failure);
                    }

                    if (_endOfStream)
                    {
                        return 0;
                    }
                }

                var until = Math.Min(deadline, head?.ArrivesAt ?? double.PositiveInfinity);
                if (now >= deadline)
                {
                    throw new TimeoutException($"no byte arrived within {_readTimeoutMs} ms");
                }

                Monitor.Wait(_incoming, double.IsPositiveInfinity(until) ? Timeout.Infinite : Math.Max(1, (int)Math.Ceiling((until - now) * 1000)));
            }
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        lock (_writeGate)
        {
            for (var start = 0; start < buffer.Length; start += ChunkBytes)
            {
                var chunk = buffer.Slice(start, Math.Min(ChunkBytes, buffer.Length - start));
                _writeLineFreeAt = WaitForLine(_writeLineFreeAt, chunk.Length);
                Inner.Write(chunk);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            lock (_incoming)
            {
                Monitor.PulseAll(_incoming);
            }

            _pump.Join(TimeSpan.FromSeconds(2));
        }

        base.Dispose(disposing);
    }

    private double Now => _clock.Elapsed.TotalSeconds;

    /// <summary>Takes bytes off the inner stream as they come and stamps when the line would have delivered them.</summary>
    private void Pump()
    {
        var buffer = new byte[ChunkBytes];
        try
        {
            Inner.ReadTimeout = PumpPollMs;
            while (!_disposed)
            {
                lock (_incoming)
                {
                    while (_heldBytes >= MaxHeldBytes && !_disposed)
                    {
                        Monitor.Wait(_incoming, PumpPollMs);
                    }
                }

                int n;
                try
                {
                    n = Inner.Read(buffer);
                }
                catch (TimeoutException)
                {
                    continue;
                }

                lock (_incoming)
                {
                    if (n == 0)
                    {
                        _endOfStream = true;
                    }
                    else
                    {
                        _readLineFreeAt = Math.Max(_readLineFreeAt, Now) + (n * _secondsPerByte);
                        _arrivals.Enqueue(new Arrival(buffer.AsSpan(0, n).ToArray(), _readLineFreeAt));
                        _heldBytes += n;
                    }

                    Monitor.PulseAll(_incoming);
                }

                if (n == 0)
                {
                    return;
                }
            }
        }
        catch (Exception e)
        {
            // Whatever ended the inner stream reaches the reader on its next read; a pump must never take the process down.
            lock (_incoming)
            {
                _readFailure = e;
                Monitor.PulseAll(_incoming);
            }
        }
    }

    /// <summary>Sleeps until <paramref name="bytes"/> more would have crossed a line that is free from
    /// <paramref name="lineFreeAt"/> (or now, if it has been idle); returns when the line is free again.</summary>
    private double WaitForLine(double lineFreeAt, int bytes)
    {
        var done = Math.Max(lineFreeAt, Now) + (bytes * _secondsPerByte);
        while (true)
        {
            var left = done - Now;
            if (left <= 0)
            {
                return done;
            }

            if (left > 0.002)
            {
                Thread.Sleep(TimeSpan.FromSeconds(left - 0.001));
            }
            else
            {
                Thread.SpinWait(64);
            }
        }
    }

    /// <summary>A chunk that crossed the line, when its last byte arrives, and how much of it the reader took.</summary>
    private sealed class Arrival(byte[] bytes, double arrivesAt)
    {
        public byte[] Bytes { get; } = bytes;

        public double ArrivesAt { get; } = arrivesAt;

        public int Taken { get; set; }
    }
}
