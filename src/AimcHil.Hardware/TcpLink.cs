using System.Net;
using System.Net.Sockets;
using AimcHil.Core;

namespace AimcHil.Hardware;

/// <summary>A TCP byte link to a rig server (loopback by default), with the same stream and timeout semantics as
/// <see cref="SerialPort"/>, so a host session runs unchanged over either.</summary>
public sealed class TcpLink : IDisposable
{
    private readonly SocketStream _stream;

    internal TcpLink(Socket socket)
    {
        // Frames are small and latency-bound (request, response): Nagle would hold each one back for an ACK.
        socket.NoDelay = true;
        var remote = (IPEndPoint)socket.RemoteEndPoint!;
        // A dual-mode socket reports an IPv4 peer as ::ffff:a.b.c.d; name it as the user wrote it.
        RemoteEndPoint = remote.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(remote.Address.MapToIPv4(), remote.Port) : remote;
        _stream = new SocketStream(socket, RemoteEndPoint.ToString());
    }

    /// <summary>The server's address and port.</summary>
    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>The link as a Stream.</summary>
    public TimedStream BaseStream => _stream;

    public int ReadTimeout
    {
        get => _stream.ReadTimeout;
        set => _stream.ReadTimeout = value;
    }

    public int WriteTimeout
    {
        get => _stream.WriteTimeout;
        set => _stream.WriteTimeout = value;
    }

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/>, giving up after
    /// <paramref name="connectTimeoutMs"/>.</summary>
    public static TcpLink Connect(int port, string host = "127.0.0.1", int connectTimeoutMs = 5000)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var deadline = new CancellationTokenSource(connectTimeoutMs);
            socket.ConnectAsync(host, port, deadline.Token).AsTask().GetAwaiter().GetResult();
            return new TcpLink(socket);
        }
        catch (OperationCanceledException)
        {
            socket.Dispose();
            throw new AimcException($"{host}:{port}: no answer within {connectTimeoutMs} ms: check the address, and that no firewall drops the connection");
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => new AimcException($"{host}:{port}: connection refused: is the rig server running and listening on that port?"),
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => new AimcException($"{host}: unknown host: check the rig's address"),
                _ => new AimcException($"{host}:{port}: cannot connect ({e.SocketErrorCode}): {e.Message}"),
            };
        }
    }

    public int Read(Span<byte> buffer) => _stream.Read(buffer);

    public void Write(ReadOnlySpan<byte> buffer) => _stream.Write(buffer);

    /// <summary>Closes the connection; a read waiting on another thread returns 0.</summary>
    public void Close() => _stream.Dispose();

    public void Dispose() => Close();
}
