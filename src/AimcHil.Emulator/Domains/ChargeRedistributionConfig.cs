namespace AimcHil.Emulator.Domains;

/// <summary>Settings of a charge-redistribution (bit-serial SRAM) tile.</summary>
public sealed record ChargeRedistributionConfig
{
    /// <summary>Bits of a two's-complement weight, one bit column each.</summary>
    [ValidRange(2, 16)]
    public int WeightBits { get; init; } = 4;

    [ValidRange(0, double.PositiveInfinity, MinExclusive = true)]
    public double VddVolts { get; init; } = 0.8;

    /// <summary>Parasitic capacitance of each column's shared line.</summary>
    [ValidRange(0, double.PositiveInfinity)]
    public double ParasiticCapacitanceFarad { get; init; } = 10e-15;

    public bool KtcNoise { get; init; } = true;

    [ValidRange(0, double.PositiveInfinity)]
    public double TemperatureKelvin { get; init; } = 300;

    public ChargeRedistributionConfig Ideal() => this with { ParasiticCapacitanceFarad = 0, KtcNoise = false };
}
