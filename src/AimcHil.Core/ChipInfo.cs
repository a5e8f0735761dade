namespace AimcHil.Core;

/// <summary>What a chip is, as the host needs to know it to map weights and inputs onto it.</summary>
/// <remarks>
/// Units used throughout the contract: weights are normalized to [-1, 1] (the fraction of the largest weight the
/// tile can hold); inputs are signed DAC codes, x = code / <see cref="InputCodeMax"/>; outputs are ADC codes that
/// an <see cref="MvmResult"/> turns into MAC units, Σᵢ wᵢⱼ xᵢ with normalized w and x.
/// </remarks>
public sealed record ChipInfo
{
    public required string Name { get; init; }

    public required ComputationDomain Domain { get; init; }

    public required DeviceTechnology Device { get; init; }

    /// <summary>Word lines (inputs) per tile.</summary>
    public required int Rows { get; init; }

    /// <summary>Logical outputs per tile (a differential pair or a group of bit columns counts once).</summary>
    public required int Cols { get; init; }

    public required int Tiles { get; init; }

    public required WeightEncoding WeightEncoding { get; init; }

    /// <summary>Distinct signed weight levels a cell can hold; 0 when the device is analog (continuous).</summary>
    public required int WeightLevels { get; init; }

    public required int DacBits { get; init; }

    public required int AdcBits { get; init; }

    /// <summary>Largest input code magnitude: 2^(DacBits−1) − 1; input codes lie in [−InputCodeMax, InputCodeMax].</summary>
    public int InputCodeMax => (1 << (DacBits - 1)) - 1;

    /// <summary>Physical input at full scale code, in <see cref="InputUnit"/> (volts on a word line, seconds of pulse).</summary>
    public required double InputFullScale { get; init; }

    public required string InputUnit { get; init; }

    /// <summary>Physical output at ADC full scale, in <see cref="OutputUnit"/> (volts, amperes or seconds).</summary>
    public required double OutputFullScale { get; init; }

    public required string OutputUnit { get; init; }

    /// <summary>The MAC value at ADC positive full scale.</summary>
    public required double MacFullScale { get; init; }

    public required int AdcCodeMin { get; init; }

    public required int AdcCodeMax { get; init; }

    /// <summary>How the chip is reached: "emulator", "serial:/dev/ttyACM0", ….</summary>
    public required string Transport { get; init; }

    public required IReadOnlyList<NonIdeality> NonIdealities { get; init; }
}
