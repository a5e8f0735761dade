using AimcHil.Characterization.Datasets;
using AimcHil.Core;

namespace AimcHil.Characterization.Plots;

/// <summary>What each device of a tile was asked to hold, from the cells' weight targets and the chip's encoding:
/// the per-level statistics of the device plots (read noise, drift) group devices by it.</summary>
internal static class DeviceLevels
{
    /// <summary>Levels below this are left out, as the calibration's device fits do: a device near the bottom of its
    /// range clips its noise and drifts little, which would only blur the levels that tell.</summary>
    public const float Minimum = 0.1f;

    /// <summary>Per device (array-major, then row, col): its normalized target state rounded to 4 decimals (so a level
    /// is one key), or NaN below <see cref="Minimum"/>.</summary>
    /// <remarks>A differential pair holds the positive part of the weight on G⁺ and the negative part on G⁻ (the
    /// device's floor, which the host does not know, is left out: it cancels in the pair); bit-sliced cells hold the
    /// bits of the quantized weight, Q = 2^(bits−1) − 1 with one array per bit.</remarks>
    public static float[] Of(ChipInfo chip, PointArray targetWeight, int arrays)
    {
        var cells = targetWeight.Values.Length;
        var levels = new float[arrays * cells];
        var max = (1 << (arrays - 1)) - 1;
        for (var k = 0; k < cells; k++)
        {
            var w = Math.Clamp(targetWeight.Values[k], -1f, 1f);
            var q = (int)MathF.Round(w * max, MidpointRounding.AwayFromZero);
            for (var a = 0; a < arrays; a++)
            {
                var level = chip.WeightEncoding switch
                {
                    WeightEncoding.DifferentialPair => a == 0 ? Math.Max(w, 0f) : Math.Max(-w, 0f),
                    WeightEncoding.TwosComplementBits => (q >> a) & 1,
                    _ => a == 0 ? (q < 0 ? 1 : 0) : (Math.Abs(q) >> (a - 1)) & 1,
                };
                levels[(a * cells) + k] = level < Minimum ? float.NaN : MathF.Round(level, 4);
            }
        }

        return levels;
    }
}
