namespace AimcHil.Tests.Shared;

/// <summary>aihwkit's PCM programming law in closed form, for statistics tests: one pulse leaves a device at
/// max(g_T + σ(g_T)·ξ, 0), ξ standard normal, σ(g_T) = (0.26348 + 1.9650·g_T − 1.1731·g_T²)/25 (normalized to g_max).</summary>
internal static class PcmProgrammingLaw
{
    public static double Sigma(double target) => (0.26348 + (1.9650 * target) - (1.1731 * target * target)) / 25;

    /// <summary>Mean and variance of one pulse's state: the moments of a normal clipped at 0.</summary>
    public static (double Mean, double Variance) Moments(double target)
    {
        var sigma = Sigma(target);
        var z = target / sigma;
        var pdf = Math.Exp(-z * z / 2) / Math.Sqrt(2 * Math.PI);
        var cdf = 0.5 * (1 + Erf(z / Math.Sqrt(2)));
        var mean = (target * cdf) + (sigma * pdf);
        var second = (((target * target) + (sigma * sigma)) * cdf) + (target * sigma * pdf);
        return (mean, second - (mean * mean));
    }

    /// <summary>Mean and standard deviation of a differential pair's weight G⁺ − G⁻ for a weight w in [−1, 1]
    /// (G⁺ aimed at max(w, 0), G⁻ at max(−w, 0), drawn independently).</summary>
    public static (double Mean, double Sigma) PairWeight(double weight)
    {
        var (plusMean, plusVariance) = Moments(Math.Max(weight, 0));
        var (minusMean, minusVariance) = Moments(Math.Max(-weight, 0));
        return (plusMean - minusMean, Math.Sqrt(plusVariance + minusVariance));
    }

    /// <summary>erf by its Maclaurin series for |x| ≤ 3 (to double rounding there); ±1 beyond, off by at most 2.2e-5,
    /// where clipping at 0 no longer matters to any test's tolerance.</summary>
    private static double Erf(double x)
    {
        if (Math.Abs(x) > 3)
        {
            return Math.Sign(x);
        }

        double sum = 0, term = x;
        for (var n = 0; n < 200; n++)
        {
            sum += term / ((2 * n) + 1);
            term *= -x * x / (n + 1);
        }

        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
