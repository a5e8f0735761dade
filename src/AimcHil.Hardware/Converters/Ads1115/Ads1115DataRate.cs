namespace AimcHil.Hardware.Converters;

/// <summary>ADS1115 data rates in samples per second: the DR field, config bits 7:5 (SBAS444 table 8).</summary>
public enum Ads1115DataRate
{
    Sps8 = 0b000,
    Sps16 = 0b001,
    Sps32 = 0b010,
    Sps64 = 0b011,
    /// <summary>The power-on default.</summary>
    Sps128 = 0b100,
    Sps250 = 0b101,
    Sps475 = 0b110,
    Sps860 = 0b111,
}
