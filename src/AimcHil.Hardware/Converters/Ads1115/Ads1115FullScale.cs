namespace AimcHil.Hardware.Converters;

/// <summary>ADS1115 programmable-gain full-scale ranges: the PGA field, config bits 11:9 (SBAS444 table 8).</summary>
public enum Ads1115FullScale
{
    PlusMinus6_144V = 0b000,
    PlusMinus4_096V = 0b001,
    /// <summary>The power-on default.</summary>
    PlusMinus2_048V = 0b010,
    PlusMinus1_024V = 0b011,
    PlusMinus0_512V = 0b100,
    PlusMinus0_256V = 0b101,
}
