using AimcHil.Core;
using AimcHil.Numerics;

namespace AimcHil.Training.Data;

/// <summary>Small deterministic classification problems made from a seed, for tests and CI runs that must not
/// depend on data files.</summary>
public static class SyntheticDataset
{
    // Noise is clipped this many standard deviations out when mapping into [0, 1]; beyond it lie about 6e-5 of
    // the draws, too few to matter for learnability.
    private const double ClipSigmas = 4;

    // Rejection sampling of centres widens the box after this many misses, so a crowded low-dimensional problem
    // (many classes, few features) still finds room instead of looping forever.
    private const int AttemptsBeforeWidening = 1000;

    /// <summary>One isotropic unit-variance Gaussian cluster per class around a random centre, mapped into [0, 1].
    /// Labels go round-robin (example i has class i mod <paramref name="classes"/>), so every prefix is balanced and
    /// <see cref="DatasetSlicing.Split"/> of one call gives matching training and test sets; separate calls with
    /// different seeds give different problems.</summary>
    /// <param name="separation">Every two centres lie at least 2·separation standard deviations apart, so each
    /// centre is at least this many from the boundary to any other class; at 3 about 0.1% of examples per competing
    /// class fall on the wrong side.</param>
    public static Dataset GaussianBlobs(int count, int features, int classes, ulong seed, double separation = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(features);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (!(separation > 0) || double.IsInfinity(separation))
        {
            throw new ArgumentOutOfRangeException(nameof(separation), separation, "must be positive and finite");
        }

        var (centres, halfWidth) = PlaceCentres(features, classes, separation, SeededRandom.For(seed, "synthetic/blobs/centres"));

        var noise = SeededRandom.For(seed, "synthetic/blobs/samples");
        var range = halfWidth + ClipSigmas;
        var x = new Grid<float>(count, features);
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            var label = i % classes;
            labels[i] = label;
            var centre = centres[label];
            var row = x.Row(i);
            for (var j = 0; j < features; j++)
            {
                // One fixed affine map for every call, not min–max of the draws, so the scale does not depend on count.
                var value = (centre[j] + noise.NextGaussian() + range) / (2 * range);
                row[j] = (float)Math.Clamp(value, 0, 1);
            }
        }

        return new Dataset(x, labels, classes);
    }

    private static (double[][] Centres, double HalfWidth) PlaceCentres(int features, int classes, double separation, SeededRandom rng)
    {
        var minDistanceSquared = 4 * separation * separation;
        var halfWidth = separation;
        var centres = new double[classes][];
        var misses = 0;
        for (var c = 0; c < classes;)
        {
            var candidate = new double[features];
            for (var j = 0; j < features; j++)
            {
                candidate[j] = halfWidth * ((2 * rng.NextDouble()) - 1);
            }

            if (FarFromAll(candidate, centres.AsSpan(0, c), minDistanceSquared))
            {
                centres[c++] = candidate;
                continue;
            }

            if (++misses == AttemptsBeforeWidening)
            {
                misses = 0;
                halfWidth *= 1.5;
            }
        }

        // Centres placed before a widening lie inside the final box too, so one half-width bounds them all.
        return (centres, halfWidth);
    }

    private static bool FarFromAll(double[] candidate, ReadOnlySpan<double[]> placed, double minDistanceSquared)
    {
        foreach (var other in placed)
        {
            var d2 = 0.0;
            for (var j = 0; j < candidate.Length; j++)
            {
                var d = candidate[j] - other[j];
                d2 += d * d;
            }

            if (d2 < minDistanceSquared)
            {
                return false;
            }
        }

        return true;
    }
}
