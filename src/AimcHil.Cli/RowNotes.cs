using Spectre.Console;

namespace AimcHil.Cli;

/// <summary>Text too wide to be a column at 80 columns (info's formulas, calibrate's residuals), printed under the table
/// instead: the row's name, then the note wrapped to the terminal under an indent, so no table row folds into many
/// lines and no note is cut.</summary>
internal static class RowNotes
{
    private const string Indent = "    ";

    /// <summary>Writes <paramref name="name"/> in bold and <paramref name="note"/> under it, wrapped to the terminal.</summary>
    public static void Write(string name, string note)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(name)}[/]");
        var width = Math.Max(AnsiConsole.Profile.Width, 40);
        foreach (var line in Wrap(note, width - Indent.Length))
        {
            AnsiConsole.WriteLine(Indent + line);
        }
    }

    /// <summary>Writes "<paramref name="name"/>: <paramref name="note"/>" as one line where it fits, its overflow
    /// wrapped under an indent: for notes short enough that the name on a line of its own would double the lines.</summary>
    public static void WriteInline(string name, string note)
    {
        foreach (var line in Inline(name, note, Math.Max(AnsiConsole.Profile.Width, 40)))
        {
            AnsiConsole.WriteLine(line);
        }
    }

    /// <summary>The lines <see cref="WriteInline"/> writes at <paramref name="width"/> columns.</summary>
    internal static IEnumerable<string> Inline(string name, string note, int width)
    {
        var lines = Wrap($"{name}: {note}", width).ToList();
        return lines.Count <= 1 ? lines : lines.Take(1).Concat(Wrap(string.Join(' ', lines.Skip(1)), width - Indent.Length).Select(l => Indent + l));
    }

    /// <summary>Breaks <paramref name="text"/> at spaces into lines of at most <paramref name="width"/> characters; a
    /// word longer than the width (a long formula) is cut.</summary>
    internal static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new System.Text.StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }

            var rest = word;
            while (rest.Length > width)
            {
                yield return rest[..width];
                rest = rest[width..];
            }

            line.Append(line.Length > 0 ? " " : "").Append(rest);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }
}
