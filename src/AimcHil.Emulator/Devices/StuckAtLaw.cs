using AimcHil.Core;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Devices;

/// <summary>Draws a device's stuck-at defect: one uniform split into [off | on | healthy], so each fraction is exact in
/// expectation and a healthy draw costs exactly one number from the stream.</summary>
internal static class StuckAtLaw
{
    public static StuckState Draw(double offFraction, double onFraction, SeededRandom rng)
    {
        var u = rng.NextDouble();
        if (u < offFraction)
        {
            return StuckState.StuckOff;
        }

        return u < offFraction + onFraction ? StuckState.StuckOn : StuckState.None;
    }

    /// <summary>Throws unless the two fractions leave room for each other: a device cannot be stuck both ways.</summary>
    public static void CheckFractions(double onFraction, double offFraction, string section)
    {
        if (onFraction + offFraction > 1)
        {
            throw new AimcException($"{section}.stuck_on_fraction + stuck_off_fraction = {ValidRangeAttribute.Format(onFraction + offFraction)}: must be at most 1 (a device is stuck one way or the other)");
        }
    }
}
