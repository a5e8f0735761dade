using System.Globalization;
using AimcHil.Core;

namespace AimcHil.Cli;

/// <summary>Durations as a user types them on the command line: 90, 90s, 15m, 2h, 1.5d.</summary>
internal static class DurationText
{
    /// <summary>The units the parser reads, each with a duration written in it (its last letter the unit) for the help
    /// and the error message, so neither can leave a unit out; a number alone is seconds.</summary>
    private static readonly (string Example, double Seconds)[] Units = [("90s", 1), ("15m", 60), ("2h", 3600), ("1d", 86400)];

    /// <summary>One duration in each unit: "90s, 15m, 2h or 1d".</summary>
    public static string Examples => $"{string.Join(", ", Units[..^1].Select(u => u.Example))} or {Units[^1].Example}";

    public static TimeSpan? Parse(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var t = text.Trim();
        var unit = char.IsLetter(t[^1]) ? t[^1] : 's';
        var number = char.IsLetter(t[^1]) ? t[..^1] : t;
        var seconds = Units.Where(u => u.Example[^1] == unit).Select(u => u.Seconds).DefaultIfEmpty(double.NaN).First();
        if (double.IsNaN(seconds) || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0) || double.IsInfinity(value))
        {
            throw new AimcException($"{option} {text}: give a positive duration such as {Examples}");
        }

        return TimeSpan.FromSeconds(value * seconds);
    }
}
