using System.Text.RegularExpressions;

namespace AimcHil.Cli.Tests;

/// <summary>Every project under src/ has a README a newcomer finds from the root one: what it is for, what it may
/// reference, its main types and an example; every project its .csproj references is named in its References section,
/// so a reference added without a word in the README fails here.</summary>
public sealed class ProjectReadmeTests
{
    public static TheoryData<string> Projects() =>
        new(Directory.GetDirectories(Path.Combine(RepositoryPaths.Root, "src"))
            .Where(d => Directory.GetFiles(d, "*.csproj").Length == 1)
            .Select(Path.GetFileName)
            .Order()!);

    [Theory]
    [MemberData(nameof(Projects))]
    public void HasAReadmeWithItsSectionsLinkedFromTheRoot(string project)
    {
        var path = Path.Combine(RepositoryPaths.Root, "src", project, "README.md");
        Assert.True(File.Exists(path), $"src/{project}/README.md is missing");
        var text = File.ReadAllText(path);

        Assert.StartsWith($"# {project}\n", text, StringComparison.Ordinal);
        foreach (var section in new[] { "## References", "## Main types", "## Example" })
        {
            Assert.Contains($"\n{section}\n", text, StringComparison.Ordinal);
        }

        Assert.Contains("```csharp", text, StringComparison.Ordinal);
        var references = text[text.IndexOf("\n## References\n", StringComparison.Ordinal)..text.IndexOf("\n## Main types\n", StringComparison.Ordinal)];
        var csproj = File.ReadAllText(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.csproj").Single());
        foreach (Match reference in Regex.Matches(csproj, "ProjectReference Include=\"[^\"]*/(AimcHil\\.\\w+)\\.csproj\""))
        {
            Assert.Contains(reference.Groups[1].Value, references, StringComparison.Ordinal);
        }

        Assert.Contains($"(src/{project}/README.md)", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void FindsEveryProject()
    {
        Assert.Equal(9, Projects().Count);
    }
}
