namespace AimcHil.Emulator.Domains;

/// <summary>Settings of a capacitive-division tile.</summary>
public sealed record CapacitiveDivisionConfig
{
    /// <summary>Bits of a signed weight (1 sign cell + bits−1 magnitude cells).</summary>
    [ValidRange(2, 16)]
    public int WeightBits { get; init; } = 4;

    /// <summary>Bottom-plate voltage step at full-scale input code.</summary>
    [ValidRange(0, double.PositiveInfinity, MinExclusive = true)]
    public double DriveVolts { get; init; } = 0.5;

    /// <summary>Parasitic capacitance of each floating top plate.</summary>
    [ValidRange(0, double.PositiveInfinity)]
    public double ParasiticCapacitanceFarad { get; init; } = 20e-15;

    public bool KtcNoise { get; init; } = true;

    [ValidRange(0, double.PositiveInfinity)]
    public double TemperatureKelvin { get; init; } = 300;

    public CapacitiveDivisionConfig Ideal() => this with { ParasiticCapacitanceFarad = 0, KtcNoise = false };
}
