using System.Diagnostics;

namespace AimcHil.Protocol;

/// <summary>What a rig that serves one host at a time tells a second one: NAK BUSY to its first request (normally
/// HELLO), instead of the silence that would leave it retrying into a timeout.</summary>
public static class BusyRefusal
{
    /// <summary>Waits up to <paramref name="wait"/> for the first request on <paramref name="stream"/> and NAKs it
    /// BUSY with <paramref name="message"/>; returns whether it did. A host that goes away meanwhile is no error.</summary>
    public static bool Answer(Stream stream, string message, TimeSpan wait)
    {
        var decoder = new FrameDecoder();
        var buffer = new byte[4096];
        var start = Stopwatch.GetTimestamp();
        try
        {
            if (stream.CanTimeout)
            {
                stream.ReadTimeout = 50;
                stream.WriteTimeout = (int)wait.TotalMilliseconds;
            }

            while (Stopwatch.GetElapsedTime(start) < wait)
            {
                int n;
                try
                {
                    n = stream.Read(buffer);
                }
                catch (TimeoutException)
                {
                    continue;
                }

                if (n == 0)
                {
                    return false;
                }

                foreach (var frame in decoder.Push(buffer.AsSpan(0, n)))
                {
                    if (frame.Kind == FrameKind.Request)
                    {
                        var nak = new Frame(FrameKind.Nak, frame.Sequence, frame.Opcode, FrameFlags.None, new NakMessage(ErrorCode.Busy, message).Encode());
                        stream.Write(FrameCodec.Encode(nak));
                        stream.Flush();
                        return true;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or TimeoutException)
        {
            // It gave up waiting: nothing to tell it.
        }

        return false;
    }
}
