using System.Diagnostics;

namespace AimcHil.Hardware;

/// <summary>The bytes a link has received and nobody has read yet: a bounded FIFO whose reads wait, up to a
/// timeout, for the first byte, and whose writer waits while it is full (so a slow reader pushes back on the
/// sender instead of growing memory).</summary>
internal sealed class ReceiveQueue
{
    /// <summary>What <see cref="Dequeue"/> returns when no byte arrived in time.</summary>
    public const int TimedOut = -1;

    private readonly object _gate = new();
    private readonly byte[] _ring;
    private int _head;
    private int _count;
    private bool _completed;
    private Exception? _fault;

    public ReceiveQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _ring = new byte[capacity];
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>True once <see cref="Complete"/> was called: nothing more will be accepted.</summary>
    public bool IsCompleted
    {
        get
        {
            lock (_gate)
            {
                return _completed;
            }
        }
    }

    /// <summary>Appends bytes, waiting while the queue is full, up to <paramref name="timeoutMs"/> (-1: forever);
    /// returns how many were accepted: fewer than offered when the time ran out or the queue was completed (then
    /// nobody will ever read them, and the producer should stop).</summary>
    public int Enqueue(ReadOnlySpan<byte> data, int timeoutMs = -1)
    {
        lock (_gate)
        {
            var clock = Stopwatch.StartNew();
            var accepted = 0;
            while (accepted < data.Length)
            {
                while (_count == _ring.Length && !_completed)
                {
                    var wait = timeoutMs < 0 ? Timeout.Infinite : timeoutMs - (int)clock.ElapsedMilliseconds;
                    if (timeoutMs >= 0 && wait <= 0)
                    {
                        return accepted;
                    }

                    Monitor.Wait(_gate, wait);
                }

                if (_completed)
                {
                    return accepted;
                }

                var tail = (_head + _count) % _ring.Length;
                var n = Math.Min(data.Length - accepted, Math.Min(_ring.Length - _count, _ring.Length - tail));
                data.Slice(accepted, n).CopyTo(_ring.AsSpan(tail, n));
                _count += n;
                accepted += n;
                Monitor.PulseAll(_gate);
            }

            return accepted;
        }
    }

    /// <summary>Moves up to <paramref name="buffer"/>.Length bytes out, waiting up to <paramref name="timeoutMs"/>
    /// (-1: forever) for the first; <see cref="TimedOut"/> when none came, 0 once completed and drained, and the
    /// completion's fault (after the last buffered byte) when the producer failed.</summary>
    public int Dequeue(Span<byte> buffer, int timeoutMs)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        lock (_gate)
        {
            var clock = Stopwatch.StartNew();
            while (_count == 0)
            {
                if (_completed)
                {
                    if (_fault is not null)
                    {
                        throw _fault;
                    }

                    return 0;
                }

                var wait = timeoutMs < 0 ? Timeout.Infinite : timeoutMs - (int)clock.ElapsedMilliseconds;
                if (timeoutMs >= 0 && wait <= 0)
                {
                    return TimedOut;
                }

                Monitor.Wait(_gate, wait);
            }

            var total = 0;
            while (_count > 0 && total < buffer.Length)
            {
                var n = Math.Min(buffer.Length - total, Math.Min(_count, _ring.Length - _head));
                _ring.AsSpan(_head, n).CopyTo(buffer[total..]);
                _head = (_head + n) % _ring.Length;
                _count -= n;
                total += n;
            }

            Monitor.PulseAll(_gate);
            return total;
        }
    }

    /// <summary>Drops everything buffered (DiscardInBuffer).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _head = 0;
            _count = 0;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>No more bytes will come: waiting readers drain what is left, then get 0 or, with a fault, that
    /// exception; a waiting producer is released. The first completion wins.</summary>
    public void Complete(Exception? fault = null)
    {
        lock (_gate)
        {
            if (!_completed)
            {
                _completed = true;
                _fault = fault;
            }

            Monitor.PulseAll(_gate);
        }
    }
}
