using System.Diagnostics;

namespace AimcHil.Cli.Tests;

/// <summary>A python3 that imports torch and numpy, found once: PATH's python3 first, then Debian's (where a pyenv
/// python3 without torch comes first on PATH); null where there is none.</summary>
internal static class PyTorch
{
    public static readonly string? Python = Find();

    /// <summary>Runs <c>python3 -c SCRIPT ARGS</c> and returns its stdout; a failure fails the test with its stderr.</summary>
    public static string Run(string script, params string[] args)
    {
        var start = new ProcessStartInfo(Python ?? throw new InvalidOperationException("no python3 with torch"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "python3 did not finish in 120 s");
        Assert.True(process.ExitCode == 0, $"python3 exited {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    private static string? Find()
    {
        foreach (var candidate in new[] { "python3", "/usr/bin/python3" })
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(candidate, ["-c", "import torch, numpy"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
                process.StandardError.ReadToEnd();
                if (process.WaitForExit(60_000) && process.ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed under this name.
            }
        }

        return null;
    }
}

/// <summary>A fact that runs PyTorch: skipped, saying why, where no python3 imports torch and numpy.</summary>
public sealed class PyTorchFactAttribute : FactAttribute
{
    public PyTorchFactAttribute()
    {
        if (PyTorch.Python is null)
        {
            Skip = "needs a python3 that imports torch and numpy (Debian: apt-get install python3-torch)";
        }
    }
}
