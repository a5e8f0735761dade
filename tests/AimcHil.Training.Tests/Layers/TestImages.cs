using AimcHil.Core;

namespace AimcHil.Training.Tests.Layers;

/// <summary>Small images whose window sums and maxima are easy to work out by hand in a test's comments.</summary>
internal static class TestImages
{
    /// <summary>One 1×3×3 example, a fresh grid each time:
    /// <code>
    ///   1 2 3
    ///   4 5 6
    ///   7 8 9
    /// </code></summary>
    public static Grid<float> Nine => new(1, 9, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
}
