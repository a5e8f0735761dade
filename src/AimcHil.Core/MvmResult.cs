using System.Numerics;

namespace AimcHil.Core;

/// <summary>A batch of ADC codes from one tile and what turns them into MAC units: mac = offset[j] + code · scale[j].</summary>
public sealed record MvmResult
{
    /// <summary>Batch × Cols ADC codes.</summary>
    public required Grid<int> Codes { get; init; }

    /// <summary>MAC units per ADC code step, per column (includes any drift compensation the chip applies).</summary>
    public required double[] MacPerCode { get; init; }

    /// <summary>MAC value of code 0, per column.</summary>
    public required double[] MacOffset { get; init; }

    /// <summary>How many outputs sat at an ADC rail (their MAC value is clipped).</summary>
    public required int SaturatedOutputs { get; init; }

    public double ToMac(int sample, int col) => MacOffset[col] + (Codes[sample, col] * MacPerCode[col]);

    /// <summary>Adds every output in MAC units to <paramref name="destination"/> (batch × Cols): how partial sums of a
    /// layer split across tiles are accumulated digitally.</summary>
    public void AddMacTo(Span<float> destination)
    {
        int batch = Codes.Rows, cols = Codes.Cols;
        if (destination.Length != batch * cols)
        {
            throw new ArgumentException($"destination holds {destination.Length} values, the result {batch}×{cols}", nameof(destination));
        }

        var scale = Array.ConvertAll(MacPerCode, v => (float)v);
        var offset = Array.ConvertAll(MacOffset, v => (float)v);
        var width = Vector<float>.Count;
        for (var s = 0; s < batch; s++)
        {
            var codes = Codes.Row(s);
            var target = destination.Slice(s * cols, cols);
            var j = 0;
            for (; j <= cols - width; j += width)
            {
                var code = Vector.ConvertToSingle(new Vector<int>(codes[j..]));
                var sum = new Vector<float>(target[j..]) + (code * new Vector<float>(scale, j)) + new Vector<float>(offset, j);
                sum.CopyTo(target[j..]);
            }

            for (; j < cols; j++)
            {
                target[j] += offset[j] + (codes[j] * scale[j]);
            }
        }
    }

    /// <summary>The outputs of <paramref name="columns"/> only; <see cref="SaturatedOutputs"/> stays the count of
    /// every output converted, since the codes alone do not tell which sat at a rail.</summary>
    public MvmResult Columns(ColumnRange columns)
    {
        columns.CheckWithin(Codes.Cols);
        if (columns.Start == 0 && columns.Count == Codes.Cols)
        {
            return this;
        }

        var batch = Codes.Rows;
        var codes = new Grid<int>(batch, columns.Count);
        for (var s = 0; s < batch; s++)
        {
            Codes.Row(s).Slice(columns.Start, columns.Count).CopyTo(codes.Row(s));
        }

        return new MvmResult
        {
            Codes = codes,
            MacPerCode = MacPerCode.AsSpan(columns.Start, columns.Count).ToArray(),
            MacOffset = MacOffset.AsSpan(columns.Start, columns.Count).ToArray(),
            SaturatedOutputs = SaturatedOutputs,
        };
    }

    /// <summary>All outputs in MAC units, batch × Cols.</summary>
    public Grid<float> ToMac()
    {
        var mac = new Grid<float>(Codes.Rows, Codes.Cols);
        for (var s = 0; s < Codes.Rows; s++)
        {
            for (var j = 0; j < Codes.Cols; j++)
            {
                mac[s, j] = (float)ToMac(s, j);
            }
        }

        return mac;
    }
}
