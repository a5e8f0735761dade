using System.Diagnostics;
using AimcHil.Core;
using AimcHil.Protocol;

namespace AimcHil.Cli.Tests;

/// <summary>A host that speaks the firmware protocol frame by frame over a real link, so a test can stop at any point
/// of any exchange (mid-frame, before the answer, inside a bulk transfer) the way a crashing or careless host would.</summary>
internal sealed class RawHost(Stream line, IDisposable? owner = null) : IDisposable
{
    private readonly FrameDecoder _decoder = new();
    private readonly Queue<Frame> _pending = new();
    private readonly byte[] _buffer = new byte[65536];

    public Stream Line => line;

    public void Send(Frame frame)
    {
        line.Write(FrameCodec.Encode(frame));
        line.Flush();
    }

    public void SendRequest(ushort sequence, Opcode opcode, byte[] payload, FrameFlags flags = FrameFlags.None) =>
        Send(new Frame(FrameKind.Request, sequence, opcode, flags, payload));

    /// <summary>The first half of a frame's wire bytes, and nothing more.</summary>
    public void SendHalf(Frame frame)
    {
        var wire = FrameCodec.Encode(frame);
        line.Write(wire.AsSpan(0, wire.Length / 2));
        line.Flush();
    }

    public void Hello() => Expect(FrameKind.Response, 1, () => SendRequest(1, Opcode.Hello, new HelloRequest(ProtocolVersion.Major, ProtocolVersion.Minor, 4096, 8).Encode()));

    /// <summary>Sends, then waits (5 s at most) for a frame of <paramref name="kind"/> for <paramref name="sequence"/>.</summary>
    public Frame Expect(FrameKind kind, ushort sequence, Action send)
    {
        send();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            if (Next(TimeSpan.FromSeconds(5) - clock.Elapsed) is { } frame && frame.Kind == kind && frame.Sequence == sequence)
            {
                return frame;
            }
        }

        throw new TimeoutException($"no {kind} for sequence {sequence} within 5 s");
    }

    /// <summary>A PROGRAM of a whole 256×256 tile: large enough to go as a bulk upload.</summary>
    public static byte[] ProgramPayload(int maxPulses = 20, double tolerance = 0.02) =>
        new ProgramRequest(0, new Grid<float>(256, 256, Enumerable.Range(0, 65536).Select(i => ((i % 17) - 8) / 8f).ToArray()), new WriteVerifyOptions(true, tolerance, maxPulses), null).Encode();

    public void Dispose()
    {
        line.Dispose();
        owner?.Dispose();
    }

    private Frame? Next(TimeSpan wait)
    {
        if (_pending.TryDequeue(out var queued))
        {
            return queued;
        }

        line.ReadTimeout = (int)Math.Max(1, wait.TotalMilliseconds);
        try
        {
            var n = line.Read(_buffer);
            if (n == 0)
            {
                throw new EndOfStreamException("the rig closed the line");
            }

            foreach (var frame in _decoder.Push(_buffer.AsSpan(0, n)))
            {
                _pending.Enqueue(frame);
            }
        }
        catch (TimeoutException)
        {
            return null;
        }

        return _pending.TryDequeue(out var next) ? next : null;
    }
}
