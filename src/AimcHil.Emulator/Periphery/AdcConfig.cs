namespace AimcHil.Emulator.Periphery;

/// <summary>The column ADCs (or TDCs): resolution, the MAC range they span, and their integral non-linearity.</summary>
public sealed record AdcConfig
{
    [ValidRange(1, 24)]
    public int Bits { get; init; } = 8;

    /// <summary>MAC value at positive full scale; the ADC spans [−RangeMac, RangeMac). The chip designer picks it
    /// well below Rows because sums of many products concentrate near zero.</summary>
    [ValidRange(0, double.PositiveInfinity, MinExclusive = true)]
    public double RangeMac { get; init; } = 32;

    /// <summary>Peak integral non-linearity, in LSB, as a bow that is zero at both ends of the range.</summary>
    [ValidRange(-1024, 1024)]
    public double InlPeakLsb { get; init; }
}
