namespace AimcHil.Hardware.Converters;

/// <summary>How the AD5328's reference inputs are used: the BUF and VDD bits of the GAIN/BUF/VDD control word.</summary>
public enum Ad5328Reference
{
    /// <summary>VREF pins unbuffered (BUF 0, VDD 0): the power-on setting, widest input range, loads the reference.</summary>
    Unbuffered,
    /// <summary>VREF pins through the internal buffer (BUF 1): high impedance, input range short of the rails.</summary>
    Buffered,
    /// <summary>VDD as the reference (VDD 1): the VREF pins are ignored.</summary>
    Supply,
}
