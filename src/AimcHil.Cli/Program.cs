using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using AimcHil.Cli.Commands;

namespace AimcHil.Cli;

/// <summary>The <c>aimc</c> tool: the bench's command line.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = CreateRoot();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // A mistyped command line is a user's mistake like any other: one line and exit 2, the help one command away.
            var names = new List<string> { "aimc" };
            for (SymbolResult? result = parse.CommandResult; result is not null; result = result.Parent)
            {
                if (result is CommandResult { Command: not RootCommand } sub)
                {
                    names.Insert(1, sub.Command.Name);
                }
            }

            var errors = string.Join("; ", parse.Errors.Select(e => Plain(e.Message)));
            Console.Error.WriteLine($"aimc: error: {errors} (see '{string.Join(' ', names)} --help')");
            return CommandGuard.UserError;
        }

        return parse.Invoke();
    }

    /// <summary>Every command, as the parser, the help and the tests that walk the command tree see them.</summary>
    internal static RootCommand CreateRoot() => new("aimc: drive, emulate and characterize analog in-memory computing chips")
    {
        InfoCommand.Create(),
        MvmCommand.Create(),
        TrainCommand.Create(),
        BenchCommand.Create(),
        EmulateCommand.Create(),
        ProbeCommand.Create(),
        CharacterizeCommand.Create(),
        CalibrateCommand.Create(),
        TwinCheckCommand.Create(),
        ExportCommand.Create(),
        PlotCommand.Create(),
    };

    /// <summary>The parser's message without the .NET type names it names ("as expected type 'System.Int32'").</summary>
    private static string Plain(string message)
    {
        var text = message.ReplaceLineEndings(" ").TrimEnd('.');
        var typed = Regex.Match(text, "^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']*)' as expected type '(?<type>[^']*)'$");
        if (!typed.Success)
        {
            return text;
        }

        var type = typed.Groups["type"].Value;
        var kind = type.Contains("Int", StringComparison.Ordinal) ? "a whole number"
            : type.Contains("Double", StringComparison.Ordinal) || type.Contains("Single", StringComparison.Ordinal) ? "a number"
            : "a valid value";
        return $"{typed.Groups["option"].Value} {typed.Groups["value"].Value}: not {kind}";
    }
}
