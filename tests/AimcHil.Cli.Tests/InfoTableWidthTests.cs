namespace AimcHil.Cli.Tests;

/// <summary><c>aimc info</c> reads in an 80-column terminal: no line wider, every non-ideality's description whole
/// under the table rather than wrapped into a column.</summary>
public sealed class InfoTableWidthTests
{
    public static TheoryData<string> EmulatedRigs() =>
        new(RepositoryPaths.Presets().Append(Path.Combine(RepositoryPaths.Rigs, "direct-emulated.yaml")));

    [Theory]
    [MemberData(nameof(EmulatedRigs))]
    public void EveryLineFitsEightyColumnsAndEveryDescriptionIsThere(string rig)
    {
        var text = AimcProcess.Run("info", "--rig", rig);
        var json = AimcProcess.Run("info", "--rig", rig, "--json");

        Assert.Equal(0, text.ExitCode);
        var lines = text.Stdout.TrimEnd('\n').Split('\n');
        Assert.All(lines, line => Assert.True(line.Length <= 80, $"{line.Length} columns: {line}"));
        var prose = string.Join(' ', lines.Select(l => l.Trim()));
        using var info = System.Text.Json.JsonDocument.Parse(json.Stdout);
        foreach (var effect in info.RootElement.GetProperty("chip").GetProperty("non_idealities").EnumerateArray())
        {
            var description = string.Join(' ', effect.GetProperty("description").GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(description, prose, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void WrapBreaksAtSpacesAndCutsOnlyAWordLongerThanTheLine()
    {
        Assert.Equal(["ab cd", "ef"], RowNotes.Wrap("ab cd ef", 5));
        Assert.Equal(["ab", "cdefg", "hi j"], RowNotes.Wrap("ab cdefghi j", 5));
        Assert.Equal(["abcde"], RowNotes.Wrap("  abcde  ", 5));
        Assert.Empty(RowNotes.Wrap("", 5));
    }

    [Fact]
    public void AnInlineNoteFillsTheFirstLineAndIndentsItsOverflow()
    {
        Assert.Equal(["ab: cd ef"], RowNotes.Inline("ab", "cd ef", 9));
        Assert.Equal(["ab: cd ef", "    gh ij", "    kl"], RowNotes.Inline("ab", "cd ef gh ij kl", 9));
    }
}
