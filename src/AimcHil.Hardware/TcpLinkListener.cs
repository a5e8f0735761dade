using System.Net;
using System.Net.Sockets;
using AimcHil.Core;

namespace AimcHil.Hardware;

/// <summary>The server side of <see cref="TcpLink"/>: listens (on loopback unless told otherwise, because a rig
/// without a shared secret lets anyone who reaches it drive the chip) and hands out one TcpLink per client.</summary>
public sealed class TcpLinkListener : IDisposable
{
    private readonly Socket _socket;

    /// <param name="port">0 picks a free port (see <see cref="Port"/>).</param>
    /// <param name="address">Where to listen; 127.0.0.1 when not given.</param>
    /// <param name="allowNonLoopback">Must be true to listen on anything but a loopback address.</param>
    public TcpLinkListener(int port = 0, IPAddress? address = null, bool allowNonLoopback = false)
    {
        address ??= IPAddress.Loopback;
        if (!IPAddress.IsLoopback(address) && !allowNonLoopback)
        {
            throw new AimcException($"{new IPEndPoint(address, port)}: refusing to listen on a non-loopback address: the rig protocol has no authentication, so anyone on the network could drive the chip; listen on 127.0.0.1 (or ::1), or allow it explicitly (allowNonLoopback: true) on a trusted network");
        }

        _socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _socket.Bind(new IPEndPoint(address, port));
            _socket.Listen();
        }
        catch (SocketException e)
        {
            _socket.Dispose();
            throw e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => new AimcException($"{new IPEndPoint(address, port)}: address already in use: another server listens there; stop it or pick another port (ss -ltnp)"),
                SocketError.AccessDenied => new AimcException($"{new IPEndPoint(address, port)}: permission denied: ports below 1024 need root; pick a port above 1024"),
                _ => new AimcException($"{new IPEndPoint(address, port)}: cannot listen ({e.SocketErrorCode}): {e.Message}"),
            };
        }

        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The port listened on (the one the system picked when 0 was asked).</summary>
    public int Port => LocalEndPoint.Port;

    /// <summary>Waits up to <paramref name="timeoutMs"/> (-1: forever) for the next client.</summary>
    public TcpLink Accept(int timeoutMs = TimedStream.InfiniteTimeout)
    {
        var wait = timeoutMs < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(timeoutMs);
        if (!_socket.Poll(wait, SelectMode.SelectRead))
        {
            throw new TimeoutException($"{LocalEndPoint}: no client connected within {timeoutMs} ms");
        }

        return new TcpLink(_socket.Accept());
    }

    public void Dispose() => _socket.Dispose();
}
