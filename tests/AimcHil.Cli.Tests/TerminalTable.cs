using System.Text.RegularExpressions;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AimcHil.Cli.Tests;

/// <summary>Spectre output as a terminal of a given width shows it (no colors), and the check that a table reads there:
/// no line wider than the terminal, no row (the header included) folded into more than two lines, and every cell's text
/// whole, none of it cut off or broken inside a word.</summary>
internal static class TerminalTable
{
    public static string Render(IRenderable renderable, int width)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = width;
        console.Profile.Capabilities.Unicode = true;
        console.Write(renderable);
        return output.ToString().ReplaceLineEndings("\n");
    }

    /// <summary>Asserts that <paramref name="table"/> reads at <paramref name="width"/> columns. It is drawn with a
    /// separator between rows (which changes no column's width) so that each row's lines can be told apart.</summary>
    public static void AssertReadable(Table table, string what, int width = 80)
    {
        table.ShowRowSeparators = true;
        var text = Render(table, width);
        var lines = text.TrimEnd('\n').Split('\n');
        Assert.All(lines, line => Assert.True(line.Length <= width, $"{what}: {line.Length} columns:\n{text}"));
        var rows = new List<List<string[]>>();
        List<string[]>? row = null;
        foreach (var line in lines)
        {
            if (line.StartsWith('│'))
            {
                (row ??= []).Add(line.Split('│')[1..^1]);
            }
            else if (row is not null)
            {
                rows.Add(row);
                row = null;
            }
        }

        var expected = table.ShowHeaders ? new List<string[]> { table.Columns.Select(c => Plain(c.Header)).ToArray() } : [];
        expected.AddRange(table.Rows.Select(r => r.Select(Plain).ToArray()));
        Assert.True(expected.Count == rows.Count, $"{what}: {expected.Count} rows expected, {rows.Count} drawn:\n{text}");
        for (var r = 0; r < rows.Count; r++)
        {
            Assert.True(rows[r].Count <= 2, $"{what}: row {r} folds into {rows[r].Count} lines:\n{text}");
            for (var c = 0; c < expected[r].Length; c++)
            {
                var drawn = Words(string.Join(' ', rows[r].Select(l => l[c])));
                Assert.True(drawn == expected[r][c], $"{what}: row {r} column {c} reads '{drawn}', not '{expected[r][c]}':\n{text}");
            }
        }
    }

    /// <summary>A cell's text as drawn on a line wide enough for all of it, its spaces collapsed.</summary>
    private static string Plain(IRenderable cell) => Words(Render(cell, 10_000));

    private static string Words(string text) => Regex.Replace(text, @"\s+", " ").Trim();
}
