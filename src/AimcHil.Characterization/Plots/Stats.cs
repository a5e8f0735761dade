namespace AimcHil.Characterization.Plots;

/// <summary>The little statistics the plots draw: mean, sample standard deviation, least-squares line.</summary>
internal static class Stats
{
    public static double Mean(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Average();

    /// <summary>Sample standard deviation (n − 1); NaN below two values.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return double.NaN;
        }

        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>Least-squares straight line y = slope·x + intercept; NaN when the xs do not spread.</summary>
    public static (double Slope, double Intercept) LineFit(IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        if (xs.Count < 2)
        {
            return (double.NaN, double.NaN);
        }

        double xMean = xs.Average(), yMean = ys.Average(), sxx = 0, sxy = 0;
        for (var k = 0; k < xs.Count; k++)
        {
            sxx += (xs[k] - xMean) * (xs[k] - xMean);
            sxy += (xs[k] - xMean) * (ys[k] - yMean);
        }

        if (sxx == 0)
        {
            return (double.NaN, double.NaN);
        }

        var slope = sxy / sxx;
        return (slope, yMean - (slope * xMean));
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var half = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
    }
}
