using System.Diagnostics;
using System.Text.Json;

namespace AimcHil.Cli.Tests;

/// <summary>Runs the real <c>aimc</c> program, as a user's shell would, from the repository root.</summary>
internal static class AimcProcess
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr)
    {
        public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;
    }

    /// <summary>How <c>aimc ARGS</c> is started: from the repository root, output redirected, colors off.</summary>
    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "aimc.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["NO_COLOR"] = "1";
        return start;
    }

    public static Outcome Run(params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"aimc {string.Join(' ', args)} did not finish in 120 s");
        }

        return new Outcome(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Asserts the way a user error must look: one line on stderr, no stack trace, exit code 2.</summary>
    public static void AssertUserError(Outcome outcome, string expectedMessage)
    {
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal($"aimc: error: {expectedMessage}", outcome.Stderr.TrimEnd('\n'));
        Assert.DoesNotContain("   at ", outcome.Stderr);
        Assert.Equal(string.Empty, outcome.Stdout);
    }
}
