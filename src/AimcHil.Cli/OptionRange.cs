using System.CommandLine;
using System.Globalization;
using System.Numerics;

namespace AimcHil.Cli;

/// <summary>Valid ranges of numeric options, checked while parsing and written into the option's help from the same
/// numbers, so a value out of range is one parse error (exit 2) and the help cannot disagree with the check.</summary>
internal static class OptionRange
{
    /// <summary>Accepts only <paramref name="min"/> … <paramref name="max"/> (both included; a double must also be
    /// finite); a missing value of an optional option is not checked.</summary>
    public static Option<T> Within<T>(this Option<T> option, T min, T max)
        where T : INumber<T>
    {
        AddCheck(option, min, max);
        return option;
    }

    /// <inheritdoc cref="Within{T}(Option{T}, T, T)"/>
    public static Option<T?> Within<T>(this Option<T?> option, T min, T max)
        where T : struct, INumber<T>
    {
        AddCheck(option, min, max);
        return option;
    }

    private static void AddCheck<T>(Option option, T min, T max)
        where T : INumber<T>
    {
        var range = $"{Text(min)} … {Text(max)}";
        option.Description = $"{option.Description} ({range})";
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0)
            {
                return;
            }

            var token = result.Tokens[^1].Value;
            if (!T.TryParse(token, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value))
            {
                return; // the parser's own message says the token is not a number
            }

            if (T.IsNaN(value) || T.IsInfinity(value) || value < min || value > max)
            {
                result.AddError($"{option.Name} {token}: must be between {range}");
            }
        });
    }

    private static string Text<T>(T value)
        where T : INumber<T> => value.ToString(null, CultureInfo.InvariantCulture);
}
