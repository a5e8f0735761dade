namespace AimcHil.Emulator.Programming;

/// <summary>What one write-verify run did, per weight (all devices of a weight together).</summary>
/// <param name="PulsesPerWeight">Pulses per weight, row-major over the tile.</param>
/// <param name="UnconvergedWeights">Weights with a device that ended out of tolerance, in ascending order.</param>
/// <param name="LastReads">The last verify read (null without verify).</param>
internal sealed record WriteVerifyResult(int[] PulsesPerWeight, long TotalPulses, List<int> UnconvergedWeights, float[][]? LastReads);
