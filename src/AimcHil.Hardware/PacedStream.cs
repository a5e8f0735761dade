using System.Diagnostics;

namespace AimcHil.Hardware;

/// <summary>A Stream wrapper that moves bytes no faster than a UART line at a given baud rate, in each direction on
/// its own schedule: how the virtual rig stands in for a bridge whose serial line, not its pseudo-terminal, sets the
/// pace (link benchmarks, timeout behaviour under a slow line).</summary>
/// <remarks>Bytes reach the other side only once the line would have carried them: a write hands its bytes on a
/// chunk at a time, each when its last bit would have left, and a read returns bytes only once they would have
/// arrived. The schedule is absolute (bytes × bits per byte / baud from the moment the line went busy), so sleeping
/// late never slows the line down on average.</remarks>
public sealed class PacedStream : LinkFilter
{
    // Short enough that the other side sees a steady stream, long enough that sleeping is not the cost.
    private const int ChunkBytes = 256;

    private readonly double _secondsPerByte;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _writeGate = new();
    private readonly object _readGate = new();
    private double _writeLineFreeAt;
    private double _readLineFreeAt;

    /// <param name="bitsPerByte">Bits on the wire per byte: 10 for 8N1 (a start and a stop bit).</param>
    public PacedStream(Stream inner, int baudRate, int bitsPerByte = 10, bool leaveOpen = false)
        : base(inner, leaveOpen)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(baudRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bitsPerByte, 1);
        BaudRate = baudRate;
        _secondsPerByte = (double)bitsPerByte / baudRate;
    }

    public int BaudRate { get; }

    /// <summary>Bytes per second the line carries in each direction.</summary>
    public double BytesPerSecond => 1 / _secondsPerByte;

    public override int Read(Span<byte> buffer)
    {
        lock (_readGate)
        {
            // At most a chunk per read, so a large read does not hold bytes that have long arrived.
            var n = Inner.Read(buffer[..Math.Min(buffer.Length, ChunkBytes)]);
            if (n > 0)
            {
                _readLineFreeAt = WaitForLine(_readLineFreeAt, n);
            }

            return n;
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

    /// <summary>Sleeps until <paramref name="bytes"/> more would have crossed a line that is free from
    /// <paramref name="lineFreeAt"/> (or now, if it has been idle); returns when the line is free again.</summary>
    private double WaitForLine(double lineFreeAt, int bytes)
    {
        var done = Math.Max(lineFreeAt, _clock.Elapsed.TotalSeconds) + (bytes * _secondsPerByte);
        while (true)
        {
            var left = done - _clock.Elapsed.TotalSeconds;
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
}
