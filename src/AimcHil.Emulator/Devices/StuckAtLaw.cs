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
}
