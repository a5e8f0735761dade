namespace AimcHil.Hardware.Converters;

/// <summary>ADS8688 input ranges: the value of a channel's range select register (0x05 + n, bits 3:0; SBAS582 table 15),
/// as multiples of VREF (4.096 V internal).</summary>
public enum Ads8688Range
{
    /// <summary>±2.5 × VREF (±10.24 V); the power-on default.</summary>
    PlusMinus2_5Vref = 0x00,
    PlusMinus1_25Vref = 0x01,
    PlusMinus0_625Vref = 0x02,
    ZeroTo2_5Vref = 0x05,
    ZeroTo1_25Vref = 0x06,
}
