using System.CommandLine;
using System.Net;
using AimcHil.Core;
using AimcHil.Hardware;
using AimcHil.Protocol;
using AimcHil.Rig;

namespace AimcHil.Cli.Commands;

/// <summary><c>aimc emulate</c>: the virtual rig, the emulated chip served over the firmware protocol on a
/// pseudo-terminal or a TCP socket, so host code runs over a real link without hardware.</summary>
internal static class EmulateCommand
{
    public static Command Create()
    {
        var rig = CommonOptions.Rig();
        var ideal = CommonOptions.Ideal();
        var seed = CommonOptions.Seed();
        var pty = new Option<bool>("--pty") { Description = "serve on a new pseudo-terminal; its path is the first line printed" };
        var link = new Option<string?>("--link") { Description = "with --pty: also make this path a symbolic link to the pseudo-terminal (e.g. /tmp/aimc-virtual-rig)" };
        var tcp = new Option<string?>("--tcp") { Description = "serve on HOST:PORT instead (loopback only unless --allow-remote)" };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "allow --tcp on a non-loopback address (the rig has no authentication)" };
        var pace = new Option<int?>("--pace-baud") { Description = "carry bytes no faster than a UART at this baud rate (8N1), as a bridge's serial line would (default: as fast as the link goes)" };
        var command = new Command("emulate", "serve an emulated chip over the firmware protocol (the virtual rig) until stopped")
        {
            rig, pty, link, tcp, allowRemote, pace, ideal, seed,
        };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var onPty = parse.GetValue(pty);
            var tcpAddress = parse.GetValue(tcp);
            if (onPty == (tcpAddress is not null))
            {
                throw new AimcException("emulate needs exactly one of --pty and --tcp HOST:PORT");
            }

            var file = RigFileReader.Read(parse.GetValue(rig)!.FullName);
            using var chip = RigConnector.OpenEmulator(file, new RigOptions { Ideal = parse.GetValue(ideal), Seed = parse.GetValue(seed) });
            using var stop = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
            {
                c.Cancel = true;
                stop.Cancel();
            });
            var baud = parse.GetValue(pace);
            if (baud is < 1)
            {
                throw new AimcException($"--pace-baud {baud}: the baud rate must be positive, e.g. 921600");
            }

            Func<Stream, Stream> line = baud is { } rate ? s => new PacedStream(s, rate, leaveOpen: true) : s => s;
            return onPty
                ? ServePty(chip, parse.GetValue(link), line, stop.Token)
                : ServeTcp(chip, LinkAddress.Parse(tcpAddress!, listening: true), parse.GetValue(allowRemote), line, stop.Token);
        }));
        return command;
    }

    private static int ServePty(IAimcChip chip, string? linkPath, Func<Stream, Stream> line, CancellationToken stop)
    {
        using var terminal = PseudoTerminal.Open();
        if (linkPath is not null)
        {
            // A link left by an earlier session is replaced; anything else at that path is the user's and stays.
            if (new FileInfo(linkPath).LinkTarget is not null)
            {
                File.Delete(linkPath);
            }
            else if (File.Exists(linkPath) || Directory.Exists(linkPath))
            {
                throw new AimcException($"{linkPath}: exists and is not a symbolic link; choose another --link path");
            }

            File.CreateSymbolicLink(linkPath, terminal.SlavePath);
        }

        try
        {
            Announce(terminal.SlavePath, chip, linkPath is null ? string.Empty : $" (linked from {linkPath})");
            new DeviceServer(chip, line(terminal.Master)).Run(stop);
        }
        finally
        {
            if (linkPath is not null && new FileInfo(linkPath).LinkTarget == terminal.SlavePath)
            {
                File.Delete(linkPath);
            }
        }

        return 0;
    }

    private static int ServeTcp(IAimcChip chip, LinkAddress address, bool allowRemote, Func<Stream, Stream> line, CancellationToken stop)
    {
        if (!address.IsTcp)
        {
            throw new AimcException($"--tcp {address.Text}: expected HOST:PORT, e.g. 127.0.0.1:5025");
        }

        if (!IPAddress.TryParse(address.Host, out var ip))
        {
            throw new AimcException($"--tcp {address.Text}: the host must be an IP address to listen on, e.g. 127.0.0.1");
        }

        if (!allowRemote && !IPAddress.IsLoopback(ip))
        {
            throw new AimcException($"--tcp {address.Text}: refusing to serve on a non-loopback address: the rig protocol has no authentication, so anyone on the network could drive the chip; use 127.0.0.1, or add --allow-remote on a trusted network");
        }

        using var listener = new TcpLinkListener(address.TcpPort, ip, allowRemote);
        Announce($"{address.Host}:{listener.Port}", chip, string.Empty);

        // One host at a time, as on a real bridge; the chip, and what it holds, outlives each connection.
        while (!stop.IsCancellationRequested)
        {
            TcpLink host;
            try
            {
                host = listener.Accept(250);
            }
            catch (TimeoutException)
            {
                continue;
            }

            using (host)
            {
                new DeviceServer(chip, line(host.BaseStream)).Run(stop);
            }
        }

        return 0;
    }

    /// <summary>The port alone on the first line of stdout, for scripts; the rest on stderr, for people.</summary>
    private static void Announce(string port, IAimcChip chip, string note)
    {
        Console.Out.WriteLine(port);
        Console.Out.Flush();
        Console.Error.WriteLine($"aimc: serving {chip.Info.Name} ({chip.Info.Tiles} × {chip.Info.Rows}×{chip.Info.Cols}, {chip.Info.Domain}) on {port}{note}; Ctrl-C stops");
    }
}
