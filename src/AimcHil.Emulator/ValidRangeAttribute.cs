using System.Globalization;

namespace AimcHil.Emulator;

/// <summary>The values a numeric rig-file field accepts, written next to the field so that the load-time check, the
/// error message and the documented table (hil-rigs/RIG-FILE.md) all come from this one place.</summary>
/// <remarks>Every value must be finite; an open end is written as an infinite bound. Whole-number fields use the same
/// bounds as whole numbers.</remarks>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ValidRangeAttribute(double min, double max) : Attribute
{
    public double Min { get; } = min;

    public double Max { get; } = max;

    /// <summary>True when <see cref="Min"/> itself is not allowed (e.g. a resistance or a time that must be above 0).</summary>
    public bool MinExclusive { get; set; }

    /// <summary>True when <see cref="Max"/> itself is not allowed.</summary>
    public bool MaxExclusive { get; set; }

    /// <summary>Whether a value lies in the range; NaN and infinities never do.</summary>
    public bool Admits(double value) =>
        double.IsFinite(value)
        && (MinExclusive ? value > Min : value >= Min)
        && (MaxExclusive ? value < Max : value <= Max);

    /// <summary>The rule as a user reads it, e.g. "must be a finite number ≥ 0" or "must be a whole number from 1 to 4096".</summary>
    public string Describe(bool wholeNumber)
    {
        var kind = wholeNumber ? "whole number" : "finite number";
        var low = double.IsFinite(Min) ? $"{(MinExclusive ? ">" : "≥")} {Format(Min)}" : null;
        var high = double.IsFinite(Max) ? $"{(MaxExclusive ? "<" : "≤")} {Format(Max)}" : null;
        return (low, high) switch
        {
            (null, null) => $"must be a {kind}",
            (not null, null) => $"must be a {kind} {low}",
            (null, not null) => $"must be a {kind} {high}",
            _ when !MinExclusive && !MaxExclusive => $"must be a {kind} from {Format(Min)} to {Format(Max)}",
            _ => $"must be a {kind} {low} and {high}",
        };
    }

    /// <summary>A number as a rig file would write it (invariant, shortest exact form; NaN and infinities spelled
    /// out).</summary>
    public static string Format(double value) => value switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "infinity",
        double.NegativeInfinity => "-infinity",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
