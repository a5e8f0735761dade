using System.Reflection;

namespace AimcHil.Emulator;

/// <summary>One numeric field of a settings type, where it sits and the values it accepts (null: no range written,
/// which the range table's test refuses).</summary>
/// <param name="Path">The field's place, list items written as <c>[]</c> (e.g. <c>direct.inputs.dacs[].reference_volts</c>).</param>
public sealed record RangedField(string Path, PropertyInfo Property, ValidRangeAttribute? Range)
{
    /// <summary>Whether the field takes whole numbers only.</summary>
    public bool WholeNumber => ValidRanges.IsWholeNumber(Property.PropertyType);
}
