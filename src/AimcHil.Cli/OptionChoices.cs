using System.CommandLine;

namespace AimcHil.Cli;

/// <summary>Options and arguments that take one of a fixed list of values (or of forms, such as every:K): the list the
/// command checks the value against is registered as the symbol's completions, which a shell can offer and
/// CommandHelpChoicesTests reads back to check that the help names every one.</summary>
internal static class OptionChoices
{
    /// <summary>Registers <paramref name="values"/> (the very list the command checks against) as the option's
    /// completions. The help's label stays the option's name: the description lists the values, in the order and words
    /// that explain them, where System.CommandLine's label would sort them into one long &lt;a|b|c&gt;.</summary>
    public static Option<T> Choices<T>(this Option<T> option, IEnumerable<string> values)
    {
        option.HelpName ??= option.Name.TrimStart('-');
        option.CompletionSources.Add([.. values]);
        return option;
    }

    /// <inheritdoc cref="Choices{T}(Option{T}, IEnumerable{string})"/>
    public static Argument<T> Choices<T>(this Argument<T> argument, IEnumerable<string> values)
    {
        argument.HelpName ??= argument.Name;
        argument.CompletionSources.Add([.. values]);
        return argument;
    }
}
