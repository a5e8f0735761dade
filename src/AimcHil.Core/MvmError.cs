namespace AimcHil.Core;

/// <summary>How far measured MVM outputs are from the exact W·x, in output LSB and relative to full scale.</summary>
public sealed record MvmError
{
    public required double RmsLsb { get; init; }

    public required double MaxAbsLsb { get; init; }

    public required double RmsRelativeFullScale { get; init; }

    public required double MaxAbsRelativeFullScale { get; init; }

    /// <summary>Outputs compared (batch × columns).</summary>
    public required int Outputs { get; init; }

    /// <summary>The exact MAC values Σᵢ wᵢⱼ xᵢ with w as the chip represents the weights and x = code / InputCodeMax.</summary>
    public static Grid<double> Exact(Grid<float> weights, Grid<int> inputCodes, int inputCodeMax)
    {
        if (inputCodes.Cols != weights.Rows)
        {
            throw new AimcException($"inputs have {inputCodes.Cols} values per vector but the weights have {weights.Rows} rows");
        }

        var exact = new Grid<double>(inputCodes.Rows, weights.Cols);
        for (var s = 0; s < inputCodes.Rows; s++)
        {
            var row = exact.Row(s);
            for (var i = 0; i < weights.Rows; i++)
            {
                var x = (double)inputCodes[s, i] / inputCodeMax;
                if (x == 0)
                {
                    continue;
                }

                for (var j = 0; j < weights.Cols; j++)
                {
                    row[j] += weights[i, j] * x;
                }
            }
        }

        return exact;
    }

    /// <summary>Compares the first exact.Cols columns of a result with the exact values.</summary>
    public static MvmError Measure(MvmResult result, Grid<double> exact, double macFullScale)
    {
        if (result.Codes.Rows != exact.Rows || result.Codes.Cols < exact.Cols)
        {
            throw new ArgumentException($"result {result.Codes.Rows}×{result.Codes.Cols} does not cover exact {exact.Rows}×{exact.Cols}");
        }

        double sumSquaresLsb = 0, maxLsb = 0, sumSquaresFs = 0, maxFs = 0;
        for (var s = 0; s < exact.Rows; s++)
        {
            for (var j = 0; j < exact.Cols; j++)
            {
                var error = result.ToMac(s, j) - exact[s, j];
                var lsb = Math.Abs(error / result.MacPerCode[j]);
                var fs = Math.Abs(error / macFullScale);
                sumSquaresLsb += lsb * lsb;
                sumSquaresFs += fs * fs;
                maxLsb = Math.Max(maxLsb, lsb);
                maxFs = Math.Max(maxFs, fs);
            }
        }

        var n = Math.Max(1, exact.Rows * exact.Cols);
        return new MvmError
        {
            RmsLsb = Math.Sqrt(sumSquaresLsb / n),
            MaxAbsLsb = maxLsb,
            RmsRelativeFullScale = Math.Sqrt(sumSquaresFs / n),
            MaxAbsRelativeFullScale = maxFs,
            Outputs = exact.Rows * exact.Cols,
        };
    }
}
