using System.Globalization;
using AimcHil.Core;

namespace AimcHil.Training.Runs;

/// <summary>When hardware-in-the-loop training rewrites the chip from the host's shadow weights: all of it every K
/// optimizer steps, or after every step only the weights that moved more than D (normalized) since they were last
/// programmed.</summary>
public sealed record ReprogramPolicy(int EverySteps, double Delta)
{
    public static ReprogramPolicy Every(int steps) => new(steps, 0);

    public static ReprogramPolicy WhenMoved(double delta) => new(0, delta);

    /// <summary>Parses "every:K" or "delta:D".</summary>
    public static ReprogramPolicy Parse(string text)
    {
        var parts = text.Split(':', 2);
        if (parts.Length == 2 && parts[0] == "every" && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k >= 1)
        {
            return Every(k);
        }

        if (parts.Length == 2 && parts[0] == "delta" && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0 && d <= 2)
        {
            return WhenMoved(d);
        }

        throw new AimcException($"--reprogram '{text}' is not a policy: use every:K (K ≥ 1 steps) or delta:D (0 < D ≤ 2, normalized weight change)");
    }

    public override string ToString() => EverySteps > 0
        ? $"every:{EverySteps}"
        : $"delta:{Delta.ToString(CultureInfo.InvariantCulture)}";
}
