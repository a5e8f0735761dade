using System.Collections.Concurrent;
using System.Diagnostics;

namespace AimcHil.Cli.Tests;

/// <summary>A running <c>aimc emulate</c>: the port it printed, its stderr log as it grows, and a way to send it a signal.</summary>
internal sealed class EmulatorProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    public EmulatorProcess(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "exec", Path.Combine(AppContext.BaseDirectory, "aimc.dll"), "emulate" }.Concat(args))
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
        if (!line.Wait(TimeSpan.FromSeconds(60)) || line.Result is null)
        {
            throw new InvalidOperationException($"aimc emulate printed no port: {string.Join('\n', _log)}");
        }

        Port = line.Result;
    }

    /// <summary>What it printed first: a pseudo-terminal path or HOST:PORT.</summary>
    public string Port { get; }

    public int TcpPort => int.Parse(Port[(Port.LastIndexOf(':') + 1)..]);

    public IReadOnlyList<string> Log => [.. _log];

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Waits up to <paramref name="timeout"/> for a log line containing <paramref name="text"/>.</summary>
    public string WaitForLog(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_log.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }

            Thread.Sleep(20);
        }

        throw new TimeoutException($"no log line with '{text}' within {timeout}; log:\n{string.Join('\n', _log)}");
    }

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
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
