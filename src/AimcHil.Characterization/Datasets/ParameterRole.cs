namespace AimcHil.Characterization.Datasets;

/// <summary>Whether a parameter is set by the procedure (a setpoint: level, time, input code) or measured.</summary>
public enum ParameterRole
{
    Setpoint,
    Measured,
}
