namespace AimcHil.Characterization.Datasets;

/// <summary>One quantity a measurement records: its name, unit, role, and the setpoints a measured value depends on.</summary>
/// <param name="Name">snake_case, unique in a dataset ("target_state", "read_state", "age_seconds").</param>
/// <param name="Unit">SI unit or "normalized", "code", "count", "MAC"; empty for dimensionless ratios.</param>
/// <param name="Shape">For array parameters, a description of the axes ("rows,cols", "cols"); empty for scalars.</param>
public sealed record ParameterSpec(string Name, string Unit, ParameterRole Role, IReadOnlyList<string> DependsOn, string Description, string Shape = "")
{
    public bool IsArray => Shape.Length > 0;
}
