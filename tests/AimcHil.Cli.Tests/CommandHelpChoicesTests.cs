using System.CommandLine;
using System.CommandLine.Completions;
using System.Text.RegularExpressions;
using AimcHil.Core;
using AimcHil.Training.Runs;

namespace AimcHil.Cli.Tests;

/// <summary>Help that cannot go stale (issue 17 item 3): walking the whole command tree, every option and argument
/// whose value comes from a fixed list (the list the command checks, registered as its completions) names each value
/// of that list in its own row of the command's --help.</summary>
public sealed class CommandHelpChoicesTests
{
    /// <summary>The symbols with a fixed list, as the walk finds them: an option that lost its list would drop out of
    /// the check, so it has to drop out of this list too.</summary>
    private static readonly string[] WithChoices =
    [
        "train --mode", "train --optimizer", "train --model", "train --reprogram", "train --backward-model",
        "bench train --reprogram", "bench train --case", "bench link --protocol", "characterize <name>", "plot --format",
    ];

    [Fact]
    public void EveryValueOfEveryFixedListIsInItsRowOfTheHelp()
    {
        var root = Program.CreateRoot();
        var found = new List<string>();
        var missing = new List<string>();
        foreach (var (path, command) in Commands(root, []))
        {
            var help = Help(root, path);
            foreach (var symbol in command.Options.Cast<Symbol>().Concat(command.Arguments))
            {
                var values = Choices(symbol);
                if (values.Count == 0)
                {
                    continue;
                }

                var name = symbol is Argument argument ? $"<{argument.HelpName ?? argument.Name}>" : symbol.Name;
                found.Add($"{string.Join(' ', path)} {name}");
                var row = Row(help, name);
                missing.AddRange(values.Where(v => !Names(row, v)).Select(v => $"aimc {string.Join(' ', path)} {name} accepts {v}, which its help row leaves out: {row}"));
            }
        }

        Assert.True(missing.Count == 0, string.Join('\n', missing));
        Assert.Equal(WithChoices, found);
    }

    [Fact]
    public void TheCheckSeesAValueMissingFromARow()
    {
        const string Row = "--protocol <protocol>  protocol version the host offers: 1.3 (default), or 1.2, 1.1 to measure";

        Assert.True(Names(Row, "1.1"));
        Assert.False(Names(Row, "1.0"));
        Assert.False(Names("--backward-model <backward-model>  hil: physical (ideal: y = x·W)", "ideal"));
        Assert.True(Names("hil: every:K (K ≥ 1 steps)", "every:"));
    }

    [Fact]
    public void TheReprogramFormsAreTheOnesTheParserTakes()
    {
        foreach (var prefix in ReprogramForms.Prefixes)
        {
            Assert.StartsWith(prefix, ReprogramPolicy.Parse(prefix + "1").ToString(), StringComparison.Ordinal);
        }

        var refusal = Assert.Throws<AimcException>(() => ReprogramPolicy.Parse("often:1"));
        Assert.EndsWith("use " + ReprogramForms.Text, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryDurationUnitOfMaxTimeIsInItsHelpAndParses()
    {
        var help = Help(Program.CreateRoot(), ["characterize"]);
        var examples = DurationText.Examples.Replace(" or ", ", ", StringComparison.Ordinal).Split(", ");

        Assert.Equal(["90s", "15m", "2h", "1d"], examples);
        Assert.Contains("after this long: 90s, 15m, 2h or 1d", Row(help, "--max-time"), StringComparison.Ordinal);
        Assert.Equal([90.0, 900, 7200, 86400], examples.Select(e => DurationText.Parse(e, "--max-time")!.Value.TotalSeconds));
        Assert.Equal("--max-time 3w: give a positive duration such as 90s, 15m, 2h or 1d", Assert.Throws<AimcException>(() => DurationText.Parse("3w", "--max-time")).Message);
    }

    /// <summary>Every command under <paramref name="command"/>, with the words that name it.</summary>
    private static IEnumerable<(string[] Path, Command Command)> Commands(Command command, string[] path)
    {
        yield return (path, command);
        foreach (var sub in command.Subcommands)
        {
            foreach (var found in Commands(sub, [.. path, sub.Name]))
            {
                yield return found;
            }
        }
    }

    /// <summary>The fixed values of an option or argument: its completions; a flag's true/false are no list.</summary>
    private static List<string> Choices(Symbol symbol)
    {
        var type = symbol is Option option ? option.ValueType : ((Argument)symbol).ValueType;
        return type == typeof(bool) ? [] : [.. symbol.GetCompletions(CompletionContext.Empty).Select(c => c.Label)];
    }

    /// <summary>bench train --steps names each case's default, lenet's (100, after 100 warm-up steps) too.</summary>
    [Fact]
    public void BenchTrainStepsNamesEveryCasesDefault()
    {
        var row = Row(Help(Program.CreateRoot(), ["bench", "train"]), "--steps");
        Assert.Contains("200 for no_wires", row, StringComparison.Ordinal);
        Assert.Contains("10 for fmnist_hil_1", row, StringComparison.Ordinal);
        Assert.Contains("100 for lenet", row, StringComparison.Ordinal);
    }

    private static string Help(RootCommand root, string[] path)
    {
        var output = new StringWriter();
        Assert.Equal(0, root.Parse([.. path, "--help"]).Invoke(new InvocationConfiguration { Output = output }));
        return output.ToString();
    }

    /// <summary>The help's row of <paramref name="name"/> ("--mode" or "&lt;name&gt;"), its wrapped lines joined.</summary>
    private static string Row(string help, string name)
    {
        var lines = help.ReplaceLineEndings("\n").Split('\n');
        var first = Array.FindIndex(lines, l => Regex.IsMatch(l, $"^  {Regex.Escape(name)}( |$)"));
        Assert.True(first >= 0, $"no row of {name} in:\n{help}");
        var row = lines.Skip(first).Take(1).Concat(lines.Skip(first + 1).TakeWhile(l => l.StartsWith("   ", StringComparison.Ordinal)));
        return Regex.Replace(string.Join(' ', row), @"\s+", " ").Trim();
    }

    /// <summary>Whether <paramref name="row"/> names <paramref name="value"/> as a word of its own ("ideal:" in a
    /// gloss is not the value ideal); a form's prefix such as "every:" may run on into its placeholder.</summary>
    private static bool Names(string row, string value) =>
        Regex.IsMatch(row, $@"(?<![\w.:-]){Regex.Escape(value)}{(value.EndsWith(':') ? string.Empty : @"(?![\w.:-])")}");
}
