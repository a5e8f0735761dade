namespace AimcHil.Emulator;

/// <summary>A numeric field whose value lies outside its <see cref="ValidRangeAttribute"/>.</summary>
/// <param name="Path">Where the field sits, as a rig file spells it (e.g. <c>column_mismatch.gain_sigma</c>).</param>
public sealed record RangeViolation(string Path, double Value, ValidRangeAttribute Range, bool WholeNumber)
{
    /// <summary>The field, its value and the rule, e.g. "column_mismatch.gain_sigma = NaN: must be a finite number ≥ 0".</summary>
    public string Message => $"{Path} = {ValidRangeAttribute.Format(Value)}: {Range.Describe(WholeNumber)}";
}
