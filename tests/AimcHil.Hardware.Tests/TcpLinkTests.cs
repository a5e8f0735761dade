using System.Diagnostics;
using System.Net;
using AimcHil.Core;

namespace AimcHil.Hardware.Tests;

/// <summary>TcpLink over loopback: the same stream and timeout semantics as a serial port, and a listener that
/// will not expose the rig to the network by accident.</summary>
public class TcpLinkTests
{
    [Fact]
    public async Task EchoesOverLoopback()
    {
        using var listener = new TcpLinkListener();
        var server = Task.Run(() =>
        {
            using var link = listener.Accept(5000);
            link.ReadTimeout = 5000;
            var request = LinkBytes.ReadExactly(link.BaseStream, 16);
            link.Write(request);
        });
        using var client = TcpLink.Connect(listener.Port);
        client.ReadTimeout = 5000;
        var payload = LinkBytes.Pattern(16, seed: 4);

        client.Write(payload);

        Assert.Equal(payload, LinkBytes.ReadExactly(client.BaseStream, 16));
        await server.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(IPAddress.Loopback, client.RemoteEndPoint.Address);
    }

    [Fact]
    public void AReadWithNothingToReadTimesOut()
    {
        using var listener = new TcpLinkListener();
        using var client = TcpLink.Connect(listener.Port);
        using var server = listener.Accept(5000);
        client.ReadTimeout = 100;
        var clock = Stopwatch.StartNew();

        var e = Assert.Throws<TimeoutException>(() => client.BaseStream.ReadByte());

        Assert.Equal($"127.0.0.1:{listener.Port}: nothing received within 100 ms (ReadTimeout)", e.Message);
        Assert.InRange(clock.ElapsedMilliseconds, 90, 600);
    }

    [Fact]
    public void WhenTheServerClosesTheClientReadsTheEnd()
    {
        using var listener = new TcpLinkListener();
        using var client = TcpLink.Connect(listener.Port);
        client.ReadTimeout = 2000;

        listener.Accept(5000).Dispose();

        Assert.Equal(0, client.Read(new byte[8]));
    }

    [Fact]
    public async Task ClosingTheLinkReleasesAReadWaitingOnAnotherThread()
    {
        using var listener = new TcpLinkListener();
        var client = TcpLink.Connect(listener.Port);
        using var server = listener.Accept(5000);
        var stream = client.BaseStream;
        var pending = Task.Run(() => stream.Read(new byte[8]));
        await Task.Delay(100);
        Assert.False(pending.IsCompleted);

        client.Close();

        Assert.Equal(0, await pending.WaitAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void ListeningOnANonLoopbackAddressIsRefusedUnlessAllowed()
    {
        var e = Assert.Throws<AimcException>(() => new TcpLinkListener(5555, IPAddress.Any));

        Assert.Equal("0.0.0.0:5555: refusing to listen on a non-loopback address: the rig protocol has no authentication, so anyone on the network could drive the chip; listen on 127.0.0.1 (or ::1), or allow it explicitly (allowNonLoopback: true) on a trusted network", e.Message);
    }

    [Fact]
    public void ANonLoopbackListenerWorksWhenExplicitlyAllowed()
    {
        using var listener = new TcpLinkListener(0, IPAddress.Any, allowNonLoopback: true);
        using var client = TcpLink.Connect(listener.Port);
        using var server = listener.Accept(5000);
        server.ReadTimeout = 2000;

        client.Write([0x11]);

        Assert.Equal(0x11, server.BaseStream.ReadByte());
    }

    [Fact]
    public void IPv6LoopbackIsLoopback()
    {
        if (!System.Net.Sockets.Socket.OSSupportsIPv6)
        {
            return;
        }

        try
        {
            using var listener = new TcpLinkListener(0, IPAddress.IPv6Loopback);
            Assert.Equal(IPAddress.IPv6Loopback, listener.LocalEndPoint.Address);
        }
        catch (AimcException e) when (e.Message.Contains("cannot listen", StringComparison.Ordinal))
        {
            // a container without an IPv6 loopback interface: the refusal rule is what is under test, not IPv6
        }
    }

    [Fact]
    public void ConnectingWhereNothingListensSaysSo()
    {
        int port;
        using (var listener = new TcpLinkListener())
        {
            port = listener.Port;
        }

        var e = Assert.Throws<AimcException>(() => TcpLink.Connect(port));

        Assert.Equal($"127.0.0.1:{port}: connection refused: is the rig server running and listening on that port?", e.Message);
    }

    [Fact]
    public void AcceptTimesOutWhenNoClientComes()
    {
        using var listener = new TcpLinkListener();

        var e = Assert.Throws<TimeoutException>(() => listener.Accept(50));

        Assert.Equal($"127.0.0.1:{listener.Port}: no client connected within 50 ms", e.Message);
    }

    [Fact]
    public void APortInUseIsRefusedWithWhatToDo()
    {
        using var first = new TcpLinkListener();

        var e = Assert.Throws<AimcException>(() => new TcpLinkListener(first.Port));

        Assert.Equal($"127.0.0.1:{first.Port}: address already in use: another server listens there; stop it or pick another port (ss -ltnp)", e.Message);
    }
}
