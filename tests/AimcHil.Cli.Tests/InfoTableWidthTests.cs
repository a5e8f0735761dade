using AimcHil.Cli.Commands;

namespace AimcHil.Cli.Tests;

/// <summary><c>aimc info</c> reads in an 80-column terminal: no line wider, every non-ideality's description whole
/// under the table rather than wrapped into a column.</summary>
public sealed class InfoTableWidthTests
{
    [Theory]
    [InlineData("hil-rigs/fmnist-hil-1.yaml")]
    [InlineData("hil-rigs/pcm-current-256.yaml")]
    [InlineData("hil-rigs/rram-1t1r-charge.yaml")]
    [InlineData("hil-rigs/rram-passive-1r.yaml")]
    [InlineData("hil-rigs/rram-resistive-division.yaml")]
    [InlineData("hil-rigs/sram-capacitive-division.yaml")]
    [InlineData("hil-rigs/sram-charge-redistribution.yaml")]
    [InlineData("hil-rigs/sram-time-domain.yaml")]
    [InlineData("hil-rigs/direct-emulated.yaml")]
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
        Assert.Equal(["ab cd", "ef"], InfoCommand.Wrap("ab cd ef", 5));
        Assert.Equal(["ab", "cdefg", "hi j"], InfoCommand.Wrap("ab cdefghi j", 5));
        Assert.Equal(["abcde"], InfoCommand.Wrap("  abcde  ", 5));
        Assert.Empty(InfoCommand.Wrap("", 5));
    }
}
