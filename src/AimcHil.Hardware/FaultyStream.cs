namespace AimcHil.Hardware;

/// <summary>A Stream wrapper for tests that damages the bytes going through it, seeded and deterministic: bit flips,
/// dropped bytes, dropped, duplicated and swapped 0x00-delimited frames, delays; with counters of every fault.
/// Wrap either end of a link; <see cref="FaultProfile.Direction"/> picks writes, reads or both.</summary>
/// <remarks>With frame faults on, a frame goes through only once its 0x00 delimiter has (so a frame held back for a
/// swap waits for the next frame), and a read may wait for more than one ReadTimeout when frames are dropped: it
/// returns only bytes that survived.</remarks>
public sealed class FaultyStream : LinkFilter
{
    private readonly FaultInjector? _writes;
    private readonly FaultInjector? _reads;
    private readonly object _writeGate = new();
    private readonly object _readGate = new();
    private readonly List<byte> _writeOut = [];
    private readonly List<byte> _readOut = [];
    private int _readOutStart;
    private byte[] _readChunk = [];
    private bool _innerEnded;

    /// <param name="seed">Replays the same faults for the same bytes; each direction has its own stream of draws.</param>
    public FaultyStream(Stream inner, FaultProfile profile, ulong seed, bool leaveOpen = false)
        : base(inner, leaveOpen)
    {
        Profile = profile.Validate();
        if (profile.Direction.HasFlag(FaultDirection.Writes))
        {
            _writes = new FaultInjector(profile, Derive(seed, 0x57524954 /* "WRIT" */));
        }

        if (profile.Direction.HasFlag(FaultDirection.Reads))
        {
            _reads = new FaultInjector(profile, Derive(seed, 0x52454144 /* "READ" */));
        }
    }

    public FaultProfile Profile { get; }

    /// <summary>Faults injected into written bytes so far.</summary>
    public FaultCounters WriteCounters => _writes?.Counters ?? FaultCounters.Zero;

    /// <summary>Faults injected into read bytes so far.</summary>
    public FaultCounters ReadCounters => _reads?.Counters ?? FaultCounters.Zero;

    /// <summary>Both directions together.</summary>
    public FaultCounters Counters => WriteCounters + ReadCounters;

    public override int Read(Span<byte> buffer)
    {
        if (_reads is null)
        {
            return Inner.Read(buffer);
        }

        if (buffer.IsEmpty)
        {
            return 0;
        }

        lock (_readGate)
        {
            while (_readOut.Count == _readOutStart)
            {
                _readOut.Clear();
                _readOutStart = 0;
                if (_innerEnded)
                {
                    return 0;
                }

                if (_readChunk.Length < buffer.Length)
                {
                    _readChunk = new byte[Math.Max(buffer.Length, 256)];
                }

                var n = Inner.Read(_readChunk, 0, buffer.Length);
                if (n == 0)
                {
                    _innerEnded = true;
                    _reads.Drain(_readOut);
                    continue;
                }

                Wait(_reads.Process(_readChunk.AsSpan(0, n), _readOut));
            }

            var take = Math.Min(buffer.Length, _readOut.Count - _readOutStart);
            for (var i = 0; i < take; i++)
            {
                buffer[i] = _readOut[_readOutStart + i];
            }

            _readOutStart += take;
            return take;
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_writes is null)
        {
            Inner.Write(buffer);
            return;
        }

        lock (_writeGate)
        {
            _writeOut.Clear();
            Wait(_writes.Process(buffer, _writeOut));
            if (_writeOut.Count > 0)
            {
                Inner.Write(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_writeOut));
            }
        }
    }

    private static void Wait(TimeSpan delay)
    {
        if (delay > TimeSpan.Zero)
        {
            Thread.Sleep(delay);
        }
    }

    private static ulong Derive(ulong seed, ulong direction) => (seed ^ (direction * 0x9E3779B97F4A7C15UL)) + direction;
}
