namespace AimcHil.Hardware.Converters;

/// <summary>AD7606 analog input range, set by the RANGE pin (high ±10 V, low ±5 V) for all channels at once.</summary>
public enum Ad7606Range
{
    PlusMinus5V,
    PlusMinus10V,
}
