using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace AimcHil.Characterization.Plots;

/// <summary>A logarithmic axis: ScottPlot 5 has none, so the data is plotted as log₁₀ and this labels the ticks with
/// the values themselves (decades, with 2 and 5 between them when the range spans few decades).</summary>
internal static class LogAxis
{
    public static void Apply(IAxis axis, double min, double max)
    {
        var low = (int)Math.Floor(Math.Log10(min));
        var high = (int)Math.Ceiling(Math.Log10(max));
        var ticks = new NumericManual();
        var fewDecades = high - low <= 3;
        for (var decade = low; decade <= high; decade++)
        {
            for (var m = 1; m <= 9; m++)
            {
                var value = m * Math.Pow(10, decade);
                var position = Math.Log10(value);
                if (m == 1 || (fewDecades && m is 2 or 5))
                {
                    ticks.AddMajor(position, Label(value, decade));
                }
                else
                {
                    ticks.AddMinor(position);
                }
            }
        }

        axis.TickGenerator = ticks;
    }

    private static string Label(double value, int decade)
    {
        if (decade is >= -3 and <= 4)
        {
            return value.ToString("0.###", CultureInfo.InvariantCulture);
        }

        var mantissa = (int)Math.Round(value / Math.Pow(10, decade));
        var power = "10" + string.Concat(decade.ToString(CultureInfo.InvariantCulture).Select(Superscript));
        return mantissa == 1 ? power : $"{mantissa}·{power}";
    }

    private static char Superscript(char c) => c switch
    {
        '-' => '⁻',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        _ => (char)('⁰' + (c - '0')),
    };
}
