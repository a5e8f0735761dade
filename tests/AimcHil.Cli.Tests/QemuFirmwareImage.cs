using System.Diagnostics;

namespace AimcHil.Cli.Tests;

/// <summary>The C reference firmware's cortex-m3 image for QEMU's mps2-an385 board (firmware-protocol/firmware/cortex-m3),
/// built once per test run with cmake and the arm-none-eabi cross compiler into its own folder, build-interop-cortex-m3.</summary>
internal static class QemuFirmwareImage
{
    private static readonly Lazy<string> Built = new(Build);

    /// <summary>Why the image cannot be built or run here, or null.</summary>
    public static string? Unavailable { get; } =
        FirmwareHost.Unavailable
        ?? (Which("qemu-system-arm") is null ? "needs qemu-system-arm to run the cortex-m3 firmware (Debian: apt-get install qemu-system-arm; tools/firmware.sh installs it)"
        : Which("arm-none-eabi-gcc") is null || !Directory.Exists("/usr/lib/arm-none-eabi/newlib")
            ? "needs gcc-arm-none-eabi and libnewlib-arm-none-eabi to build the cortex-m3 firmware (tools/firmware.sh installs them)"
        : null);

    /// <summary>The built ELF image (building it on first use).</summary>
    public static string Path => Built.Value;

    private static string Build()
    {
        var source = System.IO.Path.Combine(FirmwareHost.Source, "cortex-m3");
        var build = System.IO.Path.Combine(FirmwareHost.Source, "build-interop-cortex-m3");
        Run("cmake", "-S", source, "-B", build);
        Run("cmake", "--build", build, "--target", "aimc-firmware-cm3.elf", "-j", "2");
        return System.IO.Path.Combine(build, "aimc-firmware-cm3.elf");
    }

    /// <summary>The address of a symbol of the image (a static variable's, from arm-none-eabi-nm).</summary>
    public static uint Symbol(string name)
    {
        foreach (var line in Run("arm-none-eabi-nm", Path).Split('\n'))
        {
            var fields = line.Split(' ');
            if (fields.Length == 3 && fields[2] == name)
            {
                return uint.Parse(fields[0], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"{Path} has no symbol {name}");
    }

    private static string Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)}: exit {process.ExitCode}\n{stdout.Result}\n{stderr}");
        }

        return stdout.Result;
    }

    private static string? Which(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
