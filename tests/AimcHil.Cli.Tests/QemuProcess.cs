using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AimcHil.Cli.Tests;

/// <summary>QEMU's mps2-an385 board running the C firmware's cortex-m3 image, its UART0 on a host pseudo-terminal
/// (<c>-serial pty</c>), whose path QEMU prints as "char device redirected to /dev/pts/N".</summary>
internal sealed partial class QemuProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();
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
        foreach (var a in new[] { "-M", "mps2-an385", "-nographic", "-monitor", "none", "-kernel", image, "-serial", "pty" })
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
            throw new InvalidOperationException($"QEMU named no pseudo-terminal: {string.Join('\n', _log)}");
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

        _log.Enqueue(line);
        if (Redirected().Match(line) is { Success: true } match)
        {
            _port.TrySetResult(match.Groups[1].Value);
        }
    }

    // QEMU 7.2: "char device redirected to /dev/pts/3 (label serial0)", possibly after a "(qemu) " prompt.
    [GeneratedRegex(@"char device redirected to (/dev/pts/\d+)")]
    private static partial Regex Redirected();
}
