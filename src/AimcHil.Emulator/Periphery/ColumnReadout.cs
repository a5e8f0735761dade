using AimcHil.Numerics;

namespace AimcHil.Emulator.Periphery;

/// <summary>The per-conversion read-out chain of one tile: the gain and offset mismatch of each column, drawn once.</summary>
internal sealed class ColumnReadout
{
    public ColumnReadout(int conversions)
    {
        Gain = new float[conversions];
        Offset = new float[conversions];
        Array.Fill(Gain, 1f);
    }

    public float[] Gain { get; }

    /// <summary>Whether every gain is 1 and every offset 0 (mismatch off).</summary>
    public bool IsIdeal { get; private set; } = true;

    /// <summary>Offset in conversion units.</summary>
    public float[] Offset { get; }

    public void Draw(ColumnMismatchConfig config, double fullScale, SeededRandom fab)
    {
        if (!config.Enabled)
        {
            return;
        }

        IsIdeal = false;
        for (var c = 0; c < Gain.Length; c++)
        {
            Gain[c] = (float)(1 + (config.GainSigma * fab.NextGaussian()));
            Offset[c] = (float)(config.OffsetSigmaFullScale * fullScale * fab.NextGaussian());
        }
    }
}
