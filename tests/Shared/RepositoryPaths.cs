namespace AimcHil.Tests.Shared;

/// <summary>Finds the repository's folders from a test's working directory.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Rigs => Path.Combine(Root, "hil-rigs");

    public static IEnumerable<string> Presets() => Directory.GetFiles(Rigs, "*.yaml").Order();

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
