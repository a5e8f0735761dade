using System.Net.Sockets;

namespace AimcHil.Hardware;

/// <summary>A connected TCP socket with a serial port's timeout semantics: a read waits in poll() up to ReadTimeout
/// for the first byte, then takes what is there; closing it from another thread releases a waiting read.</summary>
internal sealed class SocketStream(Socket socket, string name) : TimedStream
{
    private volatile bool _disposed;

    public override string LinkName => name;

    protected override int ReadCore(Span<byte> buffer, int timeoutMs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            var wait = timeoutMs < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(timeoutMs);
            if (!socket.Poll(wait, SelectMode.SelectRead))
            {
                throw ReadTimedOut(timeoutMs);
            }

            return socket.Receive(buffer);
        }
        catch (Exception e) when (_disposed && e is ObjectDisposedException or SocketException)
        {
            return 0; // closed under a waiting read: the end of this stream
        }
        catch (SocketException e)
        {
            throw new IOException($"{name}: connection lost ({e.SocketErrorCode}): the other side closed or reset it", e);
        }
    }

    protected override void WriteCore(ReadOnlySpan<byte> buffer, int timeoutMs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // SendTimeout 0 means forever in .NET, the opposite of our 0 (no waiting): the shortest real wait is 1 ms.
        socket.SendTimeout = timeoutMs < 0 ? 0 : Math.Max(1, timeoutMs);
        try
        {
            while (!buffer.IsEmpty)
            {
                buffer = buffer[socket.Send(buffer)..];
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            throw WriteTimedOut(timeoutMs);
        }
        catch (SocketException e)
        {
            throw new IOException($"{name}: connection lost ({e.SocketErrorCode}): the other side closed or reset it", e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            try
            {
                // shutdown() wakes a read waiting in poll() on another thread; close() alone may not.
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
                // already disconnected
            }

            socket.Dispose();
        }

        base.Dispose(disposing);
    }
}
