using System.Collections.Concurrent;
using System.Device.Spi;

namespace AimcHil.Hardware.Buses;

/// <summary>An SPI device for driver tests: records every message segment by segment (golden bytes, chip-select
/// frames), and answers each reading segment from a queue of canned responses or else from
/// <see cref="Responder"/> (else zeros). The responder sees every segment, reading or not, so it can keep the state
/// of a device that answers a command in the next frame.</summary>
public sealed class RecordingSpiDevice(SpiConnectionSettings? settings = null) : SpiMessageDevice
{
    private readonly List<IReadOnlyList<RecordedSpiSegment>> _recorded = [];
    private readonly ConcurrentQueue<byte[]> _responses = new();

    public override SpiConnectionSettings ConnectionSettings { get; } = settings ?? new SpiConnectionSettings(0, 0);

    /// <summary>Every message, each the list of its segments.</summary>
    public IReadOnlyList<IReadOnlyList<RecordedSpiSegment>> Recorded => _recorded;

    /// <summary>Called with the bytes clocked out in each segment; returns the bytes clocked in at the same time,
    /// as many as were clocked out (or null for zeros). Ignored for segments that do not read.</summary>
    public Func<byte[], byte[]?>? Responder { get; set; }

    /// <summary>The bytes written while chip select was asserted, one array per select: the unit SPI devices parse
    /// commands in, and what golden-byte tests compare against.</summary>
    public IReadOnlyList<byte[]> Frames
    {
        get
        {
            var frames = new List<byte[]>();
            var frame = new List<byte>();
            foreach (var segment in _recorded.SelectMany(m => m))
            {
                frame.AddRange(segment.Written);
                if (segment.DeselectAfter)
                {
                    frames.Add([.. frame]);
                    frame.Clear();
                }
            }

            return frames;
        }
    }

    /// <summary>Every byte clocked out, all messages concatenated.</summary>
    public byte[] AllWritten => [.. _recorded.SelectMany(m => m).SelectMany(s => s.Written)];

    /// <summary>Queues the bytes the next reading segment clocks in; each must be as long as that segment.</summary>
    /// <summary>Whether the device was disposed (a driver built to own its bus disposes it with itself).</summary>
    public bool Disposed { get; private set; }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }

    public void EnqueueResponse(params byte[] response) => _responses.Enqueue(response);

    protected override void TransferCore(IReadOnlyList<SpiTransfer> segments)
    {
        var message = new List<RecordedSpiSegment>(segments.Count);
        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            var written = new byte[segment.Length];
            segment.Write.Span.CopyTo(written);
            var reads = !segment.Read.IsEmpty;
            var answer = reads && _responses.TryDequeue(out var canned) ? canned : Responder?.Invoke(written) ?? new byte[segment.Length];
            byte[] read = [];
            if (reads)
            {
                if (answer.Length != segment.Length)
                {
                    throw new InvalidOperationException($"{ConnectionSettings.DevicePath}: the test answered {answer.Length} bytes to a segment of {segment.Length}");
                }

                answer.CopyTo(segment.Read);
                read = answer;
            }

            message.Add(new RecordedSpiSegment(written, read, segment.DeselectAfter || i == segments.Count - 1, segment.DelayMicroseconds));
        }

        _recorded.Add(message);
    }
}
