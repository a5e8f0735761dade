using System.Collections.Concurrent;
using System.Diagnostics;

namespace AimcHil.Cli.Tests;

/// <summary>A running host build of the C firmware: the pseudo-terminal it printed first, its stderr, and SIGTERM.</summary>
internal sealed class FirmwareProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    public FirmwareProcess(params string[] args)
    {
        var start = new ProcessStartInfo(FirmwareHost.Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _log.Enqueue(e.Data);
            }
        };
        _process.BeginErrorReadLine();
        var line = _process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(30)) || line.Result is null)
        {
            throw new InvalidOperationException($"the firmware printed no port: {string.Join('\n', _log)}");
        }

        Port = line.Result;
    }

    /// <summary>The pseudo-terminal the firmware serves.</summary>
    public string Port { get; }

    public int ExitCode => _process.ExitCode;

    /// <summary>Sends SIGTERM, as systemd or kill(1) would.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
