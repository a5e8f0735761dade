using AimcHil.Core;

namespace AimcHil.Emulator;

/// <summary>Outputs of an MVM taken before any column ADC (<see cref="EmulatedChip.MvmAnalog"/>), in MAC units.</summary>
/// <param name="Mac">Batch × cols outputs in MAC units, as they leave the analog chain.</param>
/// <param name="ClippedOutputs">How many outputs hit a rail of the analog chain (integrator rails) on the way.</param>
public sealed record AnalogMvmResult(Grid<float> Mac, int ClippedOutputs);
