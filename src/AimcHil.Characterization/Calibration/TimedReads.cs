using AimcHil.Characterization.Datasets;
using AimcHil.Core;

namespace AimcHil.Characterization.Calibration;

/// <summary>A timed-read dataset (read-noise or drift) arranged for the fits: the targets, the ages and every device's
/// mean state over the repeats at each age.</summary>
internal sealed class TimedReads
{
    private TimedReads(PointArray targets, int tile, double[] ages, float[][] meanStates, int arrays)
    {
        Targets = targets;
        Tile = tile;
        Ages = ages;
        MeanStates = meanStates;
        Arrays = arrays;
    }

    public PointArray Targets { get; }

    public int Tile { get; }

    public double[] Ages { get; }

    /// <summary>Per age: the mean over repeats of every device's read state (arrays × rows × cols).</summary>
    public float[][] MeanStates { get; }

    public int Arrays { get; }

    public static TimedReads From(IReadOnlyList<DataPoint> points, string what)
    {
        var first = points.FirstOrDefault(p => p.Arrays.ContainsKey("target_weight"))
            ?? throw new AimcException($"the {what} dataset has no first point (its targets): measure it again");
        var byAge = points.GroupBy(p => p.Scalar("age_seconds")).OrderBy(g => g.Key).ToArray();
        if (byAge.Length < 2)
        {
            throw new AimcException($"the {what} dataset holds reads at {byAge.Length} age(s); the fit needs at least 2 (finish it with --resume)");
        }

        var means = new float[byAge.Length][];
        for (var a = 0; a < byAge.Length; a++)
        {
            var reads = byAge[a].Select(p => p.Array("read_state").Values).ToArray();
            var mean = new float[reads[0].Length];
            foreach (var r in reads)
            {
                for (var k = 0; k < mean.Length; k++)
                {
                    mean[k] += r[k] / reads.Length;
                }
            }

            means[a] = mean;
        }

        return new TimedReads(first.Array("target_weight"), (int)first.Scalar("tile"), byAge.Select(g => g.Key).ToArray(), means, first.Array("read_state").Shape[0]);
    }

    /// <summary>Per device: the mean square change of its state between consecutive ages (read noise's footprint).</summary>
    public double[] MeanSquareSteps()
    {
        var n = MeanStates[0].Length;
        var result = new double[n];
        for (var a = 1; a < MeanStates.Length; a++)
        {
            for (var k = 0; k < n; k++)
            {
                var step = MeanStates[a][k] - MeanStates[a - 1][k];
                result[k] += step * step / (MeanStates.Length - 1);
            }
        }

        return result;
    }

    /// <summary>Per device: the drift exponent ν of g = g₀·((t + t₀)/t₀)^−ν by least squares in log–log.</summary>
    public double[] DriftExponents(double t0Seconds)
    {
        var x = Ages.Select(t => Math.Log((t + t0Seconds) / t0Seconds)).ToArray();
        var xMean = x.Average();
        var sxx = x.Sum(v => (v - xMean) * (v - xMean));
        var n = MeanStates[0].Length;
        var nu = new double[n];
        for (var k = 0; k < n; k++)
        {
            double yMean = 0;
            for (var a = 0; a < x.Length; a++)
            {
                yMean += Math.Log(Math.Max(MeanStates[a][k], 1e-6f)) / x.Length;
            }

            double sxy = 0;
            for (var a = 0; a < x.Length; a++)
            {
                sxy += (x[a] - xMean) * (Math.Log(Math.Max(MeanStates[a][k], 1e-6f)) - yMean);
            }

            nu[k] = -sxy / sxx;
        }

        return nu;
    }
}
