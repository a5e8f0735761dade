using System.Runtime.Intrinsics;

namespace AimcHil.Emulator.Devices;

/// <summary>A per-device law that turns a target and one standard normal into a result (a programmed state, a drift
/// exponent), one device at a time or eight at once.</summary>
internal interface IGaussianLaw
{
    float Apply(float target, float standardNormal);

    Vector256<float> Apply(Vector256<float> targets, Vector256<float> standardNormals);
}
