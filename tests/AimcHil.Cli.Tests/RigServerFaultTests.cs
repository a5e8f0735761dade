using System.Diagnostics;
using AimcHil.Core;
using AimcHil.Hardware;
using AimcHil.Protocol;

namespace AimcHil.Cli.Tests;

/// <summary>The fault matrix of the virtual rig server: a host that goes away at every stage of every request kind,
/// stops reading, stays idle, or shares the rig with another; after each the server still serves, and the next host's
/// HELLO is answered. Over TCP and over a pseudo-terminal, against the real <c>aimc emulate</c>.</summary>
public sealed class RigServerFaultTests
{
    /// <summary>Every way a host can leave a session; the name says where it stops.</summary>
    public static TheoryData<string> Faults() =>
    [
        "connect-then-close",
        "half-frame-then-close",
        "hello-unread-then-close",
        "get-info-before-answer",
        "mvm-before-answer",
        "readback-before-answer",
        "program-mid-upload",
        "program-before-answer",
        "readback-mid-download",
    ];

    /// <summary>Faults only a socket can show: a host that keeps its end open but stops taking part.</summary>
    public static TheoryData<string> TcpOnlyFaults() =>
    [
        "half-frame-then-silence",
        "idle-after-hello",
        "stops-reading",
        "second-host-gives-up",
    ];

    [Theory]
    [MemberData(nameof(Faults))]
    [MemberData(nameof(TcpOnlyFaults))]
    public void TcpServerOutlivesAHostThat(string fault)
    {
        using var server = new EmulatorProcess("--rig", "hil-rigs/pcm-current-256.yaml", "--tcp", "127.0.0.1:0", "--idle-timeout", "1");

        using (var host = ConnectTcp(server))
        {
            Act(fault, host, () => ConnectTcp(server));
        }

        AssertHelloAnswered(() => ConnectTcp(server), server);
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public void PtyServerOutlivesAHostThat(string fault)
    {
        using var server = new EmulatorProcess("--rig", "hil-rigs/pcm-current-256.yaml", "--pty", "--idle-timeout", "1");

        using (var host = ConnectPty(server))
        {
            Act(fault, host, () => throw new InvalidOperationException("a pseudo-terminal has one host at a time"));
        }

        AssertHelloAnswered(() => ConnectPty(server), server);
    }

    [Fact]
    public void ASecondHostIsToldTheRigIsBusyInOneLine()
    {
        using var server = new EmulatorProcess("--rig", "hil-rigs/pcm-current-256.yaml", "--tcp", "127.0.0.1:0");
        using var first = ConnectTcp(server);
        first.Hello();
        var holder = server.WaitForLog(" connected", TimeSpan.FromSeconds(5)).Split(' ')[1];

        var second = AimcProcess.Run("probe", "--port", server.Port);

        AimcProcess.AssertUserError(second, $"rig on {server.Port} busy: another host ({holder}) holds it; try again later");
        Assert.Contains(server.Log, l => l.StartsWith("aimc: 127.0.0.1:", StringComparison.Ordinal) && l.EndsWith($" refused: busy ({holder} holds the rig)", StringComparison.Ordinal));
    }

    [Fact]
    public void AnMvmKilledMidRunLeavesTheServerServing()
    {
        using var server = new EmulatorProcess("--rig", "hil-rigs/pcm-current-256.yaml", "--tcp", "127.0.0.1:0");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = RepositoryPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "aimc.dll"), "mvm", "--rig", "hil-rigs/virtual-tcp.yaml", "--port", server.Port, "--random-inputs", "100000" })
        {
            start.ArgumentList.Add(a);
        }

        using var mvm = Process.Start(start)!;
        server.WaitForLog(" connected", TimeSpan.FromSeconds(30));
        Thread.Sleep(300);

        mvm.Kill(); // SIGKILL: no goodbye of any kind

        mvm.WaitForExit();
        AssertHelloAnswered(() => ConnectTcp(server), server);
    }

    [Theory]
    [InlineData("--tcp")]
    [InlineData("--pty")]
    public void SigtermDuringALongProgramStopsTheServerPromptly(string transport)
    {
        using var server = new EmulatorProcess(["--rig", "hil-rigs/rram-passive-1r.yaml", transport, .. transport == "--tcp" ? new[] { "127.0.0.1:0" } : []]);
        using var host = transport == "--tcp" ? ConnectTcp(server) : ConnectPty(server);
        host.Hello();
        Upload(host, 2, RawHost.ProgramPayload(maxPulses: 1000, tolerance: 0));
        host.Expect(FrameKind.Ack, 2, () => host.SendRequest(2, Opcode.Program, BulkDescriptor.Of(RawHost.ProgramPayload(maxPulses: 1000, tolerance: 0)).Encode(), FrameFlags.Commit));
        Thread.Sleep(200);
        var clock = Stopwatch.StartNew();

        server.Terminate();

        Assert.True(server.WaitForExit(TimeSpan.FromSeconds(5)), "aimc emulate did not stop within 5 s of SIGTERM");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"stopping took {clock.Elapsed}");
        Assert.Equal(0, server.ExitCode);
        Assert.DoesNotContain(server.Log, l => l.Contains("programmed", StringComparison.Ordinal)); // it was stopped mid-PROGRAM
        Assert.DoesNotContain(server.Log, l => l.Contains("   at ", StringComparison.Ordinal));
    }

    private static void Act(string fault, RawHost host, Func<RawHost> another)
    {
        var program = RawHost.ProgramPayload();
        switch (fault)
        {
            case "connect-then-close":
                break;
            case "half-frame-then-close" or "half-frame-then-silence":
                host.SendHalf(new Frame(FrameKind.Request, 1, Opcode.Hello, FrameFlags.None, new HelloRequest(1, 1, 4096, 8).Encode()));
                break;
            case "hello-unread-then-close":
                host.SendRequest(1, Opcode.Hello, new HelloRequest(1, 1, 4096, 8).Encode());
                break;
            case "get-info-before-answer":
                host.Hello();
                host.SendRequest(2, Opcode.GetInfo, []);
                break;
            case "mvm-before-answer":
                host.Hello();
                host.SendRequest(2, Opcode.Mvm, new MvmRequest(0, new Grid<int>(8, 256, Enumerable.Repeat(5, 8 * 256).ToArray())).Encode());
                break;
            case "readback-before-answer":
                host.Hello();
                host.SendRequest(2, Opcode.ReadBack, new PayloadWriter().I32(0).ToArray());
                break;
            case "program-mid-upload":
                host.Hello();
                host.Expect(FrameKind.Ack, 2, () => host.SendRequest(2, Opcode.Program, BulkDescriptor.Of(program).Encode(), FrameFlags.Begin));
                host.Send(new Frame(FrameKind.Data, 2, Opcode.Program, FrameFlags.None, DataChunk.Encode(0, program.AsSpan(0, 4092))));
                break;
            case "program-before-answer":
                host.Hello();
                Upload(host, 2, program);
                host.SendRequest(2, Opcode.Program, BulkDescriptor.Of(program).Encode(), FrameFlags.Commit);
                break;
            case "readback-mid-download":
                host.Hello();
                host.Expect(FrameKind.Response, 2, () => host.SendRequest(2, Opcode.ReadBack, new PayloadWriter().I32(0).ToArray()));
                host.Expect(FrameKind.Data, 2, () => host.Send(new Frame(FrameKind.Ack, 2, Opcode.ReadBack, FrameFlags.None, new TransferAck(0, 1).Encode())));
                break;
            case "idle-after-hello":
                host.Hello();
                Thread.Sleep(1500); // past the 1 s idle timeout, still connected
                break;
            case "stops-reading":
                host.Hello();
                host.Expect(FrameKind.Response, 2, () => host.SendRequest(2, Opcode.ReadBack, new PayloadWriter().I32(0).ToArray()));
                for (var k = 0; k < 40; k++)
                {
                    // Each asks for the whole 0.8 MB object again; none of it is read.
                    host.Send(new Frame(FrameKind.Ack, 2, Opcode.ReadBack, FrameFlags.Resend, new TransferAck(0, ushort.MaxValue).Encode()));
                }

                Thread.Sleep(2500);
                break;
            case "second-host-gives-up":
                host.Hello();
                another().Dispose();
                host.Expect(FrameKind.Response, 2, () => host.SendRequest(2, Opcode.GetInfo, []));
                break;
            default:
                throw new ArgumentException(fault, nameof(fault));
        }
    }

    /// <summary>BEGIN and every DATA chunk of a bulk request, without waiting for the ACKs.</summary>
    private static void Upload(RawHost host, ushort sequence, byte[] payload)
    {
        host.Expect(FrameKind.Ack, sequence, () => host.SendRequest(sequence, Opcode.Program, BulkDescriptor.Of(payload).Encode(), FrameFlags.Begin));
        for (var offset = 0; offset < payload.Length; offset += 4092)
        {
            host.Send(new Frame(FrameKind.Data, sequence, Opcode.Program, FrameFlags.None, DataChunk.Encode((uint)offset, payload.AsSpan(offset, Math.Min(4092, payload.Length - offset)))));
        }
    }

    /// <summary>A new host's HELLO is answered by the rig, and the server is still running with no stack trace in its
    /// log. A BUSY (TCP) or a silence (a pseudo-terminal has one line) while the server finishes the bounded request
    /// the old host left behind is retried for up to 10 s.</summary>
    private static void AssertHelloAnswered(Func<RawHost> connect, EmulatorProcess server)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(server.HasExited, $"the server exited ({(server.HasExited ? server.ExitCode : 0)}):\n{string.Join('\n', server.Log)}");
            using var host = connect();
            using var session = new HostSession(host.Line, server.Port, new HostSessionOptions { Timeout = TimeSpan.FromMilliseconds(500) }, ownsStream: false);
            try
            {
                var rig = session.Handshake();
                Assert.Equal((ProtocolVersion.Major, ProtocolVersion.Minor), (rig.Major, rig.Minor));
                Assert.DoesNotContain(server.Log, l => l.Contains("   at ", StringComparison.Ordinal) || l.Contains("error", StringComparison.Ordinal));
                return;
            }
            catch (AimcException e) when (clock.Elapsed < TimeSpan.FromSeconds(10) &&
                (e.Message.Contains(" busy: ", StringComparison.Ordinal) || e.Message.Contains("did not answer HELLO", StringComparison.Ordinal)))
            {
                Thread.Sleep(100);
            }
        }
    }

    private static RawHost ConnectTcp(EmulatorProcess server)
    {
        var link = TcpLink.Connect(server.TcpPort);
        return new RawHost(link.BaseStream, link);
    }

    private static RawHost ConnectPty(EmulatorProcess server)
    {
        var port = new SerialPort(server.Port, 115200);
        port.Open();
        return new RawHost(port.BaseStream, port);
    }
}
