using AimcHil.Characterization.Datasets;

namespace AimcHil.Characterization.Calibration;

/// <summary>The devices of a differential-pair tile grouped by what they were asked to hold: device array (G⁺, G⁻)
/// and the magnitude of their side of the weight; the per-level statistics of the device fits run over these groups.</summary>
internal sealed class DeviceGroups
{
    /// <summary>Levels below this are left out: a device near zero clips its noise at the bottom of its range.</summary>
    public const float MinimumLevel = 0.1f;

    private DeviceGroups(int arrays, int rows, int cols, float[] level)
    {
        Arrays = arrays;
        Rows = rows;
        Cols = cols;
        Level = level;
    }

    public int Arrays { get; }

    public int Rows { get; }

    public int Cols { get; }

    /// <summary>Per device (array-major, then row, col): its side of the weight target, NaN when excluded.</summary>
    public float[] Level { get; }

    public int Count => Level.Length;

    /// <summary>Groups from the target weights of a tile; stuck devices (map for this tile, may be null) excluded.</summary>
    public static DeviceGroups From(PointArray targetWeight, int arrays, sbyte[]? stuckOfTile)
    {
        int rows = targetWeight.Shape[0], cols = targetWeight.Shape[1];
        var cells = rows * cols;
        var level = new float[arrays * cells];
        for (var a = 0; a < arrays; a++)
        {
            for (var k = 0; k < cells; k++)
            {
                var w = targetWeight.Values[k];
                var side = a == 0 ? Math.Max(w, 0f) : Math.Max(-w, 0f);
                var excluded = side < MinimumLevel || (stuckOfTile is not null && stuckOfTile[(a * cells) + k] != 0);
                level[(a * cells) + k] = excluded ? float.NaN : MathF.Round(side, 4);
            }
        }

        return new DeviceGroups(arrays, rows, cols, level);
    }

    /// <summary>Distinct levels in use.</summary>
    public float[] Levels() => Level.Where(l => !float.IsNaN(l)).Distinct().Order().ToArray();

    /// <summary>Mean of a per-device value over each level's devices (NaN values skipped), and the devices counted.</summary>
    public Dictionary<float, (double Mean, long Count)> MeanByLevel(ReadOnlySpan<double> perDevice)
    {
        var sums = new Dictionary<float, (double Sum, long N)>();
        for (var d = 0; d < Level.Length; d++)
        {
            if (float.IsNaN(Level[d]) || double.IsNaN(perDevice[d]))
            {
                continue;
            }

            sums.TryGetValue(Level[d], out var s);
            sums[Level[d]] = (s.Sum + perDevice[d], s.N + 1);
        }

        return sums.ToDictionary(p => p.Key, p => (p.Value.Sum / p.Value.N, p.Value.N));
    }

    /// <summary>Variance over each level's devices of a per-device value.</summary>
    public Dictionary<float, (double Variance, long Count)> VarianceByLevel(ReadOnlySpan<double> perDevice)
    {
        var means = MeanByLevel(perDevice);
        var squares = new double[perDevice.Length];
        for (var d = 0; d < perDevice.Length; d++)
        {
            squares[d] = float.IsNaN(Level[d]) ? double.NaN : Math.Pow(perDevice[d] - means[Level[d]].Mean, 2);
        }

        return MeanByLevel(squares).ToDictionary(p => p.Key, p => (p.Value.Mean * p.Value.Count / Math.Max(1, p.Value.Count - 1), p.Value.Count));
    }
}
