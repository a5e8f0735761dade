using AimcHil.Core;
using AimcHil.Emulator.Devices;

namespace AimcHil.Emulator.Domains;

/// <summary>Current domain: I_j = Σᵢ G_ij V_i by Ohm's and Kirchhoff's laws on a virtual-ground bit line, read through
/// a TIA. Signed inputs are bipolar word-line voltages; signed weights are differential pairs.</summary>
/// <remarks>A non-linear device I–V curve I = G·V·(1 + a₂|V| + a₃V²) is applied to each word-line voltage: a word line
/// at input x carries V = x·V_read across its devices (the bit line is at virtual ground), so the feature the
/// crossbar multiplies is x·(1 + a₂V_read|x| + a₃V_read²x²). With wire resistance as well, the curve is evaluated at
/// the driven voltage rather than at the cell's own voltage (first order in the IR drop).</remarks>
public sealed class CurrentDomain : ConductanceCrossbar
{
    private readonly CurrentDomainConfig _config;

    public CurrentDomain(ChipPreset preset, IDeviceModel device)
        : base(preset, device)
    {
        _config = preset.Current ?? new CurrentDomainConfig();
    }

    public override ComputationDomain Domain => ComputationDomain.Current;

    public override string InputUnit => "V";

    public override double InputFullScale => _config.ReadVolts;

    public override string OutputUnit => "A";

    public override double OutputPerUnit => _config.ReadVolts * Device.FullScale * Pair.Span;

    public override void InputFeatures(int phase, ReadOnlySpan<int> codes, Span<float> features)
    {
        base.InputFeatures(phase, codes, features);
        var iv = Device.NonLinearity;
        if (!iv.IsLinear)
        {
            for (var k = 0; k < features.Length; k++)
            {
                features[k] = (float)iv.AtFraction(features[k], _config.ReadVolts);
            }
        }
    }

    internal override LinearCore Build(TileState tile, float[][] states, double ageSeconds) =>
        BuildDifferential(tile, states, ageSeconds);

    public override IEnumerable<NonIdeality> Describe() => DescribeWires();
}
