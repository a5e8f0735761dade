namespace AimcHil.Tests.Shared;

/// <summary>Finds the repository's folders from a test's working directory.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Rigs => Path.Combine(Root, "hil-rigs");

    /// <summary>The emulator presets (rig files of kind emulator); the link rig files (virtual-*.yaml) need a server.</summary>
    public static IEnumerable<string> Presets() =>
        Directory.GetFiles(Rigs, "*.yaml").Where(f => !File.ReadAllLines(f).Any(l => l.StartsWith("kind:", StringComparison.Ordinal) && !l.Contains("emulator", StringComparison.Ordinal))).Order();

    /// <summary>Rig files that reach a chip over a link (kinds serial and tcp).</summary>
    public static IEnumerable<string> LinkRigs() => Directory.GetFiles(Rigs, "*.yaml").Except(Presets()).Except(DirectRigs()).Order();

    /// <summary>Rig files of kind direct (a board driving a TC1 chip over SPI and GPIO, or its emulation).</summary>
    public static IEnumerable<string> DirectRigs() =>
        Directory.GetFiles(Rigs, "*.yaml").Where(f => File.ReadAllLines(f).Any(l => l.StartsWith("kind:", StringComparison.Ordinal) && l.Contains("direct", StringComparison.Ordinal))).Order();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AimcHil.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("AimcHil.sln not found above the test directory");
    }
}
