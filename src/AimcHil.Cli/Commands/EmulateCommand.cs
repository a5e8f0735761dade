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
        var link = new Option<string?>("--link") { Description = "with --pty: also make this path a symbolic link to the pseudo-terminal (e.g. /tmp/aimc-virtual-rig); only a link to a pseudo-terminal that is gone is ever replaced" };
        var tcp = new Option<string?>("--tcp") { Description = "serve on HOST:PORT instead (loopback only unless --allow-remote)" };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "allow --tcp on a non-loopback address (needs --secret-file: hosts must prove they hold the secret)" };
        var secretFile = new Option<string?>("--secret-file") { Description = "a file only you can read holding a shared secret; every host must prove it holds it (HMAC challenge in HELLO)" };
        var idleTimeout = new Option<double>("--idle-timeout") { Description = "drop a host that sends no complete frame for this many seconds", DefaultValueFactory = _ => 60 };
        var pace = new Option<int?>("--pace-baud") { Description = "carry bytes no faster than a UART at this baud rate (8N1), as a bridge's serial line would (default: as fast as the link goes)" };
        var command = new Command("emulate", "serve an emulated chip over the firmware protocol (the virtual rig) until stopped")
        {
            rig, pty, link, tcp, allowRemote, secretFile, idleTimeout, pace, ideal, seed,
        };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var onPty = parse.GetValue(pty);
            var tcpAddress = parse.GetValue(tcp);
            if (onPty == (tcpAddress is not null))
            {
                throw new AimcException("emulate needs exactly one of --pty and --tcp HOST:PORT");
            }

            var idle = parse.GetValue(idleTimeout);
            if (!double.IsFinite(idle) || idle <= 0 || idle > int.MaxValue / 1000)
            {
                throw new AimcException($"--idle-timeout {idle}: must be a positive number of seconds, at most {int.MaxValue / 1000} (e.g. 60)");
            }

            var baud = parse.GetValue(pace);
            if (baud is < 1)
            {
                throw new AimcException($"--pace-baud {baud}: the baud rate must be positive, e.g. 921600");
            }

            if (parse.GetValue(allowRemote) && parse.GetValue(secretFile) is null)
            {
                throw new AimcException("--allow-remote needs --secret-file PATH: a rig reachable from the network must make its hosts prove they hold a shared secret");
            }

            var secret = parse.GetValue(secretFile) is { } path ? SharedSecret.Read(path) : null;
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

            Func<Stream, Stream> line = baud is { } rate ? s => new PacedStream(s, rate, leaveOpen: true) : s => s;
            var server = new RigServer(chip, new DeviceServerOptions { IdleTimeout = TimeSpan.FromSeconds(idle), Secret = secret }, Log, line);
            return onPty
                ? ServePty(server, chip, parse.GetValue(link), stop.Token)
                : ServeTcp(server, chip, LinkAddress.Parse(tcpAddress!, listening: true), parse.GetValue(allowRemote), stop.Token);
        }));
        return command;
    }

    private static int ServePty(RigServer server, IAimcChip chip, string? linkPath, CancellationToken stop)
    {
        using var terminal = PseudoTerminal.Open();
        if (linkPath is not null)
        {
            PtyLink.Claim(linkPath);
            File.CreateSymbolicLink(linkPath, terminal.SlavePath);
        }

        try
        {
            Announce(terminal.SlavePath, chip, linkPath is null ? string.Empty : $" (linked from {linkPath})");
            server.ServePty(terminal.Master, terminal.SlavePath, stop);
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

    private static int ServeTcp(RigServer server, IAimcChip chip, LinkAddress address, bool allowRemote, CancellationToken stop)
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
            throw new AimcException($"--tcp {address.Text}: refusing to serve on a non-loopback address: anyone on the network could drive the chip; use 127.0.0.1, or add --allow-remote --secret-file PATH so hosts must prove they hold a shared secret");
        }

        using var listener = new TcpLinkListener(address.TcpPort, ip, allowRemote);
        Announce($"{address.Host}:{listener.Port}", chip, string.Empty);
        server.ServeTcp(listener, stop);
        return 0;
    }

    /// <summary>One line per host event on stderr, for the bench log.</summary>
    private static void Log(string line) => Console.Error.WriteLine($"aimc: {line}");

    /// <summary>The port alone on the first line of stdout, for scripts; the rest on stderr, for people.</summary>
    private static void Announce(string port, IAimcChip chip, string note)
    {
        Console.Out.WriteLine(port);
        Console.Out.Flush();
        Console.Error.WriteLine($"aimc: serving {chip.Info.Name} ({chip.Info.Tiles} × {chip.Info.Rows}×{chip.Info.Cols}, {chip.Info.Domain}) on {port}{note}; Ctrl-C stops");
    }
}
