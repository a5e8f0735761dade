using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AimcHil.Cli.Tests;

/// <summary>QEMU's mps2-an385 board running the C firmware's cortex-m3 image, its UART0 on a host pseudo-terminal
/// (<c>-serial pty</c>), whose path QEMU prints as "char device redirected to /dev/pts/N", and QEMU's monitor on
/// its standard input, for a warm reset of the board.</summary>
internal sealed partial class QemuProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];
    private readonly TaskCompletionSource<string> _port = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public QemuProcess(string image)
    {
        var start = new ProcessStartInfo("qemu-system-arm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-M", "mps2-an385", "-nographic", "-monitor", "stdio", "-kernel", image, "-serial", "pty" })
        {
            start.ArgumentList.Add(a);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Take(e.Data);
        _process.ErrorDataReceived += (_, e) => Take(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (!_port.Task.Wait(TimeSpan.FromSeconds(30)))
        {
            throw new InvalidOperationException($"QEMU named no pseudo-terminal: {Log}");
        }

        Port = _port.Task.Result;
        // The host side starts in the line discipline's cooked mode with echo; raw before anything is sent, so that
        // no byte the firmware writes comes back to it.
        using var stty = Process.Start("stty", ["-F", Port, "raw", "-echo"]);
        stty.WaitForExit();
        if (stty.ExitCode != 0)
        {
            throw new InvalidOperationException($"stty -F {Port} raw -echo: exit {stty.ExitCode}");
        }
    }

    /// <summary>The pseudo-terminal carrying the board's UART0.</summary>
    public string Port { get; }

    private string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    /// <summary>The 32-bit word at a physical address of the board, read through the monitor (<c>xp</c>).</summary>
    public uint ReadWord(uint address) => ReadWords(address, 1)[0];

    /// <summary>Consecutive 32-bit words from a physical address of the board, read through the monitor (<c>xp</c>,
    /// which prints four a line, each line led by its address).</summary>
    public uint[] ReadWords(uint address, int count)
    {
        int seen;
        lock (_log)
        {
            seen = _log.Count;
        }

        _process.StandardInput.WriteLine($"xp /{count}wx 0x{address:x8}");
        _process.StandardInput.Flush();
        var words = new uint[count];
        var found = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (found < count && DateTime.UtcNow < deadline)
        {
            lock (_log)
            {
                for (; seen < _log.Count && found < count; seen++)
                {
                    var line = new Regex($@"{address + (4 * (uint)found):x8}: ((?:0x[0-9a-f]{{8}} ?)+)").Match(_log[seen]);
                    if (!line.Success)
                    {
                        continue;
                    }

                    foreach (var word in line.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        words[found++] = uint.Parse(word.AsSpan(2), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
                    }
                }

                if (found < count)
                {
                    Monitor.Wait(_log, 100);
                }
            }
        }

        return found == count ? words : throw new InvalidOperationException($"QEMU's monitor did not answer xp of {count} words at 0x{address:x8}: {Log}");
    }

    /// <summary>A warm reset of the board (the monitor's <c>system_reset</c>), as a bridge's reset button: the core
    /// starts again from the reset vector, RAM keeps what the reset handler does not clear.</summary>
    public void Reset()
    {
        _process.StandardInput.WriteLine("system_reset");
        _process.StandardInput.Flush();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Take(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Add(line);
            Monitor.PulseAll(_log);
        }

        if (Redirected().Match(line) is { Success: true } match)
        {
            _port.TrySetResult(match.Groups[1].Value);
        }
    }

    // QEMU 7.2: "char device redirected to /dev/pts/3 (label serial0)", possibly after a "(qemu) " prompt.
    [GeneratedRegex(@"char device redirected to (/dev/pts/\d+)")]
    private static partial Regex Redirected();
}
