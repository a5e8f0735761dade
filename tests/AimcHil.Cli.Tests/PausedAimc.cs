using System.Diagnostics;

namespace AimcHil.Cli.Tests;

/// <summary>An <c>aimc</c> process started with the hidden <c>AIMC_TEST_PAUSE</c> seam: it runs until it reaches the
/// named point, says so on stderr and waits there, so a test can kill it (SIGKILL) or stop it (SIGINT) exactly there.</summary>
internal sealed class PausedAimc : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;

    public PausedAimc(string point, params string[] args)
    {
        var start = AimcProcess.StartInfo(args);
        start.Environment["AIMC_TEST_PAUSE"] = point;
        _process = Process.Start(start)!;
        _stdout = _process.StandardOutput.ReadToEndAsync();
        var announcement = $"aimc-test: paused at {point}";
        string? line;
        while ((line = _process.StandardError.ReadLine()) is not null && line != announcement)
        {
            Stderr.Add(line);
        }

        Assert.True(line is not null, $"aimc {string.Join(' ', args)} ended without reaching {point}: {string.Join(" | ", Stderr)}");
    }

    /// <summary>The stderr lines before the pause.</summary>
    public List<string> Stderr { get; } = [];

    /// <summary>Kills the process where it waits, as a crash or a power cut would end it.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>Sends SIGINT, as a terminal's Ctrl-C does, and waits for the process to end.</summary>
    public AimcProcess.Outcome Interrupt()
    {
        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        var stderr = _process.StandardError.ReadToEndAsync();
        if (!_process.WaitForExit(60_000))
        {
            // A process started in the background by a shell without job control inherits SIGINT ignored, as Ctrl-C
            // should not reach it; fail with that, rather than wait for ever.
            _process.Kill();
            _process.WaitForExit();
            Assert.Fail($"aimc did not stop within 60 s of SIGINT (ignored signals of the test host: {IgnoredSignals()}; SIGINT is bit 1, so 0x...2 means the suite was started in the background without job control)");
        }

        return new AimcProcess.Outcome(_process.ExitCode, _stdout.Result, string.Join('\n', [.. Stderr, stderr.Result]));
    }

    private static string IgnoredSignals() =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))?[7..].Trim() ?? "unknown";

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
