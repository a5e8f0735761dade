using System.Diagnostics;

namespace AimcHil.Cli.Tests;

/// <summary>The C reference firmware's host target (firmware-protocol/firmware), built once per test run with cmake
/// into its own build folder, build-interop.</summary>
internal static class FirmwareHost
{
    private static readonly Lazy<string> Built = new(Build);

    /// <summary>Why the firmware cannot be built here (no cmake, C compiler or python3), or null.</summary>
    public static string? Unavailable { get; } =
        Which("cmake") is null ? "needs cmake to build the C firmware (Debian: apt-get install cmake; .ci/run installs it)"
        : Which("cc") is null ? "needs a C compiler to build the C firmware (Debian: apt-get install gcc; .ci/run installs it)"
        : Which("python3") is null ? "needs python3 to configure the C firmware's build (Debian: apt-get install python3; .ci/run installs it)"
        : null;

    public static string Source => Path.Combine(RepositoryPaths.Root, "firmware-protocol", "firmware");

    /// <summary>The built program (building it on first use).</summary>
    public static string Executable => Built.Value;

    private static string Build()
    {
        var build = Path.Combine(Source, "build-interop");
        Run("cmake", "-S", Source, "-B", build, "-DCMAKE_BUILD_TYPE=Release");
        Run("cmake", "--build", build, "--target", "aimc-firmware-host", "-j", "2");
        return Path.Combine(build, "aimc-firmware-host");
    }

    private static void Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)}: exit {process.ExitCode}\n{stdout.Result}\n{stderr}");
        }
    }

    private static string? Which(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
