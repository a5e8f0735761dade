using AimcHil.Core;

namespace AimcHil.Rig.Direct;

/// <summary>What TC1 cannot say about itself over its register interface (its GEOMETRY gives only the shape): the name,
/// physics and weight encoding a direct rig reports in <see cref="ChipInfo"/>, and how its device arrays read back.</summary>
public sealed record DirectChipDescription
{
    public string Name { get; init; } = "tc1";

    public ComputationDomain Domain { get; init; } = ComputationDomain.Current;

    public DeviceTechnology Device { get; init; } = DeviceTechnology.Rram;

    public WeightEncoding WeightEncoding { get; init; } = WeightEncoding.DifferentialPair;

    /// <summary>Distinct signed weight levels; 0 for analog devices.</summary>
    public int WeightLevels { get; init; }

    /// <summary>The device arrays READBACK_ROW returns, in ARRAY order (0 = G+, 1 = G− for a differential pair).</summary>
    public IReadOnlyList<string> ArrayNames { get; init; } = ["G+", "G-"];

    /// <summary>The physical device state at a READBACK_ROW value of 65535, in <see cref="StateUnit"/>.</summary>
    public double StateFullScale { get; init; } = 1;

    public string StateUnit { get; init; } = "normalized";

    public IReadOnlyList<NonIdeality> NonIdealities { get; init; } = [];

    /// <summary>The description of the chip an emulated rig wires to its buses.</summary>
    public static DirectChipDescription Of(IAimcChip chip)
    {
        var states = chip.ReadBack(0);
        return new DirectChipDescription
        {
            Name = chip.Info.Name,
            Domain = chip.Info.Domain,
            Device = chip.Info.Device,
            WeightEncoding = chip.Info.WeightEncoding,
            WeightLevels = chip.Info.WeightLevels,
            ArrayNames = [.. states.Arrays.Select(a => a.Name)],
            StateFullScale = states.Arrays.Count > 0 ? states.Arrays[0].FullScale : 1,
            StateUnit = states.Arrays.Count > 0 ? states.Arrays[0].Unit : "normalized",
            NonIdealities = chip.Info.NonIdealities,
        };
    }
}
