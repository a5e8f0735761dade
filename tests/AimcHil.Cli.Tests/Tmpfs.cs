using System.Diagnostics;

namespace AimcHil.Cli.Tests;

/// <summary>A small tmpfs mounted for one test: a real file system that fills up (ENOSPC), not a simulation.</summary>
internal sealed class Tmpfs : IDisposable
{
    /// <summary>Why tmpfs cannot be mounted here (mounting needs root or CAP_SYS_ADMIN), or null when it can.</summary>
    public static readonly string? Unavailable = Probe();

    private Tmpfs(string path) => Path = path;

    public string Path { get; }

    public static Tmpfs Mount(int sizeBytes)
    {
        var path = Directory.CreateTempSubdirectory("aimc-tmpfs-").FullName;
        var error = Run("mount", "-t", "tmpfs", "-o", $"size={sizeBytes}", "tmpfs", path);
        Assert.True(error is null, error);
        return new Tmpfs(path);
    }

    public void Dispose()
    {
        Run("umount", Path);
        Directory.Delete(Path, recursive: true);
    }

    private static string? Probe()
    {
        try
        {
            using var probe = Mount(64 * 1024);
            return null;
        }
        catch (Exception e)
        {
            return $"needs permission to mount a tmpfs (run the tests as root): {e.Message.ReplaceLineEndings(" ")}";
        }
    }

    private static string? Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : $"{program} {string.Join(' ', args)}: exit {process.ExitCode}: {stderr.Trim()}";
    }
}

/// <summary>A fact that needs a real filling file system: skipped, saying why, where tmpfs cannot be mounted.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (Tmpfs.Unavailable is { } why)
        {
            Skip = why;
        }
    }
}
