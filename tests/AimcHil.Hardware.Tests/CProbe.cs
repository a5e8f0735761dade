using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AimcHil.Hardware.Tests;

/// <summary>Asks the C compiler what the system headers say (sizes, offsets, ioctl numbers), so the layouts declared
/// in C# are checked against the headers themselves wherever gcc is installed.</summary>
internal static class CProbe
{
    /// <summary>The C compiler, or null on a machine without one (the hard-coded header values are the check there).</summary>
    public static string? Compiler { get; } = new[] { "/usr/bin/gcc", "/usr/bin/cc" }.FirstOrDefault(File.Exists);

    /// <summary>Compiles <paramref name="source"/>, runs it and returns what it printed.</summary>
    public static string Run(string source)
    {
        var dir = Directory.CreateTempSubdirectory("aimc-cprobe-");
        try
        {
            var program = Path.Combine(dir.FullName, "probe");
            File.WriteAllText(program + ".c", source);
            Execute(Compiler ?? throw new InvalidOperationException("no C compiler"), $"-o {program} {program}.c", out _);
            Execute(program, string.Empty, out var stdout);
            return stdout;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    public static int Offset<T>(string field) => (int)Marshal.OffsetOf<T>(field);

    private static void Execute(string file, string arguments, out string stdout)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {arguments} failed: {stderr}");
    }
}
