using AimcHil.Core;
using AimcHil.Numerics;

namespace AimcHil.Characterization.TwinChecks;

/// <summary>How well a twin predicts its chip: the same fresh random weights programmed on both, the same random
/// inputs run many times on each; the systematic error (mean over the repeats, minus the ideal W·x) of chip and twin
/// compared output by output, and the random error (spread over the repeats) of each.</summary>
public static class TwinCheck
{
    public static TwinCheckResult Run(IAimcChip chip, IAimcChip twin, TwinCheckSettings settings, IProgress<string>? progress = null)
    {
        var info = chip.Info;
        var other = twin.Info;
        if (info.Rows != other.Rows || info.Cols != other.Cols || info.Tiles != other.Tiles || info.Domain != other.Domain)
        {
            throw new AimcException($"the twin is a {other.Rows}×{other.Cols} chip with {other.Tiles} tiles in the {SnakeCase.Of(other.Domain)} domain; the chip is {info.Rows}×{info.Cols} with {info.Tiles} tiles in the {SnakeCase.Of(info.Domain)} domain");
        }

        if (settings.Tile < 0 || settings.Tile >= info.Tiles)
        {
            throw new AimcException($"tile {settings.Tile} does not exist: the chip has tiles 0 to {info.Tiles - 1}");
        }

        // An emulated chip (in-process or behind a virtual rig) starts its noise streams from the check's seed, so the
        // check does not depend on what the chip did before it; a real chip has no such streams.
        if (chip is IReseedableChip { CanReseed: true } reseedable)
        {
            reseedable.Reseed(SeededRandom.For(settings.Seed, "twin-check chip").NextUInt64());
        }

        var rng = SeededRandom.For(settings.Seed, "twin-check");
        var weights = new Grid<float>(info.Rows, info.Cols);
        for (var k = 0; k < weights.Data.Length; k++)
        {
            weights.Data[k] = (float)Math.Clamp(settings.WeightSigma * rng.NextGaussian(), -1, 1);
        }

        var inputs = new Grid<int>(settings.Samples, info.Rows);
        for (var k = 0; k < inputs.Data.Length; k++)
        {
            inputs.Data[k] = (int)Math.Round(((2 * rng.NextDouble()) - 1) * info.InputCodeMax);
        }

        var ideal = Ideal(weights, inputs, info.InputCodeMax);
        progress?.Report("chip");
        var onChip = Measure(chip, settings, weights, inputs);
        progress?.Report("twin");
        var onTwin = Measure(twin, settings, weights, inputs);

        var chipErrors = new List<double>();
        var twinErrors = new List<double>();
        var chipColumn = new double[info.Cols];
        var twinColumn = new double[info.Cols];
        var columnCounts = new int[info.Cols];
        double chipVar = 0, twinVar = 0;
        var used = 0;
        for (var s = 0; s < settings.Samples; s++)
        {
            for (var j = 0; j < info.Cols; j++)
            {
                var k = (s * info.Cols) + j;
                if (onChip.Railed[k] || onTwin.Railed[k])
                {
                    continue;
                }

                var e1 = onChip.Mean[k] - ideal[k];
                var e2 = onTwin.Mean[k] - ideal[k];
                chipErrors.Add(e1);
                twinErrors.Add(e2);
                chipColumn[j] += e1;
                twinColumn[j] += e2;
                columnCounts[j]++;
                chipVar += onChip.Variance[k];
                twinVar += onTwin.Variance[k];
                used++;
            }
        }

        if (used < 2)
        {
            throw new AimcException("every output sat at an ADC rail: lower --weight-sigma");
        }

        var kept = Enumerable.Range(0, info.Cols).Where(j => columnCounts[j] > 0).ToArray();
        var chipPerColumn = kept.Select(j => chipColumn[j] / columnCounts[j]).ToArray();
        var twinPerColumn = kept.Select(j => twinColumn[j] / columnCounts[j]).ToArray();
        return new TwinCheckResult
        {
            Outputs = used,
            SystematicCorrelation = Correlation(chipErrors, twinErrors),
            SystematicRmsDifferenceMac = Math.Sqrt(chipErrors.Zip(twinErrors, (a, b) => (a - b) * (a - b)).Average()),
            ChipSystematicRmsMac = Math.Sqrt(chipErrors.Average(e => e * e)),
            TwinSystematicRmsMac = Math.Sqrt(twinErrors.Average(e => e * e)),
            ColumnSystematicCorrelation = Correlation(chipPerColumn, twinPerColumn),
            ChipRandomSigmaMac = Math.Sqrt(chipVar / used),
            TwinRandomSigmaMac = Math.Sqrt(twinVar / used),
            ChipSystematicByColumnMac = chipPerColumn,
            TwinSystematicByColumnMac = twinPerColumn,
        };
    }

    private static double[] Ideal(Grid<float> weights, Grid<int> inputs, int codeMax)
    {
        var result = new double[inputs.Rows * weights.Cols];
        for (var s = 0; s < inputs.Rows; s++)
        {
            for (var i = 0; i < weights.Rows; i++)
            {
                var x = (double)inputs[s, i] / codeMax;
                if (x == 0)
                {
                    continue;
                }

                for (var j = 0; j < weights.Cols; j++)
                {
                    result[(s * weights.Cols) + j] += weights[i, j] * x;
                }
            }
        }

        return result;
    }

    private static (double[] Mean, double[] Variance, bool[] Railed) Measure(IAimcChip chip, TwinCheckSettings settings, Grid<float> weights, Grid<int> inputs)
    {
        var info = chip.Info;
        chip.Program(settings.Tile, weights, WriteVerifyOptions.Default);
        var n = inputs.Rows * info.Cols;
        var sum = new double[n];
        var squares = new double[n];
        var railed = new bool[n];
        for (var r = 0; r < settings.Repeats; r++)
        {
            var result = chip.Mvm(settings.Tile, inputs);
            for (var s = 0; s < inputs.Rows; s++)
            {
                for (var j = 0; j < info.Cols; j++)
                {
                    var k = (s * info.Cols) + j;
                    var code = result.Codes[s, j];
                    railed[k] |= code <= info.AdcCodeMin || code >= info.AdcCodeMax;
                    var mac = result.ToMac(s, j);
                    sum[k] += mac;
                    squares[k] += mac * mac;
                }
            }
        }

        var mean = new double[n];
        var variance = new double[n];
        for (var k = 0; k < n; k++)
        {
            mean[k] = sum[k] / settings.Repeats;
            variance[k] = Math.Max(0, (squares[k] - (settings.Repeats * mean[k] * mean[k])) / Math.Max(1, settings.Repeats - 1));
        }

        return (mean, variance, railed);
    }

    private static double Correlation(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var ma = a.Average();
        var mb = b.Average();
        double sab = 0, saa = 0, sbb = 0;
        for (var k = 0; k < a.Count; k++)
        {
            sab += (a[k] - ma) * (b[k] - mb);
            saa += (a[k] - ma) * (a[k] - ma);
            sbb += (b[k] - mb) * (b[k] - mb);
        }

        return saa == 0 || sbb == 0 ? double.NaN : sab / Math.Sqrt(saa * sbb);
    }
}
