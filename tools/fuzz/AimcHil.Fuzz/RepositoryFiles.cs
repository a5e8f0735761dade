namespace AimcHil.Fuzz;

/// <summary>Finds the repository (presets, golden vectors) from wherever the harness was built or is run.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Rigs => Path.Combine(Root, "hil-rigs");

    public static string Vectors => Path.Combine(Root, "firmware-protocol", "vectors", "frames.json");

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "AimcHil.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("AimcHil.sln not found above the harness or the working directory");
    }
}
