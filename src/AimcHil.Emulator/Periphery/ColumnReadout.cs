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

    /// <summary>Draws the pattern of tile <paramref name="tile"/>; measured arrays then overwrite the draws, so the fab
    /// stream advances the same with or without them and every later draw stays as it was.</summary>
    public void Draw(ColumnMismatchConfig config, double fullScale, SeededRandom fab, int tile)
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

        config.MeasuredGain?[tile].CopyTo(Gain, 0);
        if (config.MeasuredOffset is { } offsets)
        {
            for (var c = 0; c < Offset.Length; c++)
            {
                Offset[c] = (float)(offsets[tile][c] * fullScale);
            }
        }
    }
}
