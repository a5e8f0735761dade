namespace AimcHil.Characterization.Calibration;

/// <summary>Solves for the scale s of a noise whose footprint statistic grows as s²: S(s) = S(0) + s²·(S(1) − S(0))
/// per level, pooled over levels, with the spread of the per-level answers as its uncertainty.</summary>
internal static class ScaleFit
{
    public static (double Scale, double Uncertainty, double ResidualRms) Solve(
        IReadOnlyDictionary<float, double> measured,
        IReadOnlyDictionary<float, double> atZero,
        IReadOnlyDictionary<float, double> atOne)
    {
        var levels = measured.Keys.Where(l => atZero.ContainsKey(l) && atOne.ContainsKey(l) && atOne[l] > atZero[l]).Order().ToArray();
        if (levels.Length == 0)
        {
            return (0, double.NaN, double.NaN);
        }

        var excess = levels.Sum(l => measured[l] - atZero[l]);
        var span = levels.Sum(l => atOne[l] - atZero[l]);
        var square = Math.Max(excess / span, 0);
        var perLevel = levels.Select(l => Math.Sqrt(Math.Max((measured[l] - atZero[l]) / (atOne[l] - atZero[l]), 0))).ToArray();
        var mean = perLevel.Average();
        var spread = perLevel.Length > 1 ? Math.Sqrt(perLevel.Sum(v => (v - mean) * (v - mean)) / (perLevel.Length - 1)) : double.NaN;
        var residual = Math.Sqrt(levels.Average(l => Math.Pow(measured[l] - (atZero[l] + (square * (atOne[l] - atZero[l]))), 2)));
        return (Math.Sqrt(square), spread / Math.Sqrt(perLevel.Length), residual);
    }
}
