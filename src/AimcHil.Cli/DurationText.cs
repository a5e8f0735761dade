using System.Globalization;
using AimcHil.Core;

namespace AimcHil.Cli;

/// <summary>Durations as a user types them on the command line: 90, 90s, 15m, 2h, 1.5d.</summary>
internal static class DurationText
{
    public static TimeSpan? Parse(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var t = text.Trim();
        var unit = char.IsLetter(t[^1]) ? t[^1] : 's';
        var number = char.IsLetter(t[^1]) ? t[..^1] : t;
        var seconds = unit switch { 's' => 1.0, 'm' => 60.0, 'h' => 3600.0, 'd' => 86400.0, _ => double.NaN };
        if (double.IsNaN(seconds) || !double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0) || double.IsInfinity(value))
        {
            throw new AimcException($"{option} {text}: give a positive duration such as 90s, 15m, 2h or 1d");
        }

        return TimeSpan.FromSeconds(value * seconds);
    }
}
