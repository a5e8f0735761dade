using System.Runtime.Intrinsics;

namespace AimcHil.Emulator.Circuits;

/// <summary>Per-cell voltage attenuation of a tile's word lines and bit lines, each family solved on its own with the
/// other family's nodes held at ground: the two exact single-family IR-drop solutions, in O(cells).</summary>
/// <remarks>
/// Every line is a resistor ladder fed from one end through one segment (the word line's driver, or the bit line's
/// sense node seen by reciprocity), open at the other end, with each cell's device to ground. Eliminating from the
/// open end gives x_p = ρ_p·x_(p−1) with ρ at the open end a/(g + a) and ρ_p = a/(g_p + 2a − a·ρ_(p+1)) towards the fed
/// end (x_(−1) = 1 V is the source), so one division and one multiplication per node, every ρ in (0, 1]: no
/// cancellation whatever the wire-to-device ratio. Lines are independent, so the work is vectorized across them.
/// </remarks>
internal static class LineAttenuation
{
    /// <summary>a[i,j]: word node voltage per volt at the row's driver (driver at column 0), bit nodes grounded.</summary>
    public static void WordLines(ReadOnlySpan<double> conductanceSiemens, int rows, int cols, double wordSiemens, Span<double> attenuation)
    {
        // Rows are solved a vector's width at a time from a column-major copy of the strip, so the lanes are
        // contiguous without transposing the whole tile. The copies walk each row in order: rows a power-of-two
        // apart share cache sets, and reading four of them column by column thrashes L1.
        const int width = 4;
        var strip = System.Buffers.ArrayPool<double>.Shared.Rent(2 * width * cols);
        try
        {
            var g = strip.AsSpan(0, width * cols);
            var x = strip.AsSpan(width * cols, width * cols);
            for (var i0 = 0; i0 < rows; i0 += width)
            {
                var lines = Math.Min(width, rows - i0);
                for (var lane = 0; lane < lines; lane++)
                {
                    var row = conductanceSiemens.Slice((i0 + lane) * cols, cols);
                    for (var j = 0; j < cols; j++)
                    {
                        g[(j * lines) + lane] = row[j];
                    }
                }

                Ladders(g[..(lines * cols)], cols, lines, wordSiemens, fedAtLast: false, x[..(lines * cols)]);
                for (var lane = 0; lane < lines; lane++)
                {
                    var row = attenuation.Slice((i0 + lane) * cols, cols);
                    for (var j = 0; j < cols; j++)
                    {
                        row[j] = x[(j * lines) + lane];
                    }
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(strip);
        }
    }

    /// <summary>s[i,j]: bit node voltage when column j's sense node is raised to 1 V (sense below row rows−1), word
    /// nodes grounded; by reciprocity the fraction of cell (i,j)'s current that reaches the sense node.</summary>
    public static void BitLines(ReadOnlySpan<double> conductanceSiemens, int rows, int cols, double bitSiemens, Span<double> attenuation) =>
        Ladders(conductanceSiemens, rows, cols, bitSiemens, fedAtLast: true, attenuation);

    /// <summary>Node voltages of <paramref name="lines"/> ladders of <paramref name="length"/> nodes, node t of line
    /// l at t·lines + l, fed through one segment from 1 V at node 0 (or at node length−1).</summary>
    private static void Ladders(ReadOnlySpan<double> g, int length, int lines, double segmentSiemens, bool fedAtLast, Span<double> x)
    {
        if (Vector256.IsHardwareAccelerated && lines == Vector256<double>.Count)
        {
            OneVectorOfLadders(g, length, segmentSiemens, fedAtLast, x);
            return;
        }

        var a = segmentSiemens;
        var step = fedAtLast ? 1 : -1;
        var open = fedAtLast ? 0 : length - 1;

        // Elimination from the open end: x holds ρ for now.
        for (var p = 0; p < length; p++)
        {
            var t = open + (p * step);
            var row = x.Slice(t * lines, lines);
            var gRow = g.Slice(t * lines, lines);
            if (p == 0)
            {
                // The open end has one neighbour (or, on a one-node line, only the feeding segment).
                Ratio(gRow, default, a, a, row);
            }
            else
            {
                Ratio(gRow, x.Slice((t - step) * lines, lines), a, 2 * a, row);
            }
        }

        // Back from the source: x_fed = ρ_fed·1 V, then each node a fraction of its neighbour towards the source.
        for (var p = length - 2; p >= 0; p--)
        {
            var t = open + (p * step);
            Multiply(x.Slice(t * lines, lines), x.Slice((t + step) * lines, lines));
        }
    }

    /// <summary><see cref="Ladders"/> for exactly one vector of lines, the recurrences kept in registers.</summary>
    private static void OneVectorOfLadders(ReadOnlySpan<double> g, int length, double segmentSiemens, bool fedAtLast, Span<double> x)
    {
        var width = Vector256<double>.Count;
        var step = fedAtLast ? 1 : -1;
        var open = fedAtLast ? 0 : length - 1;
        var a = Vector256.Create(segmentSiemens);
        var twoA = Vector256.Create(2 * segmentSiemens);
        var ratio = Vector256<double>.Zero;
        for (var p = 0; p < length; p++)
        {
            var t = open + (p * step);
            var gt = Vector256.Create(g.Slice(t * width, width));
            ratio = a / (p == 0 ? gt + a : gt + twoA - (a * ratio));
            ratio.CopyTo(x.Slice(t * width, width));
        }

        // ratio is now the fed node's, which is its voltage (1 V source).
        var voltage = ratio;
        for (var p = length - 2; p >= 0; p--)
        {
            var t = open + (p * step);
            voltage *= Vector256.Create((ReadOnlySpan<double>)x.Slice(t * width, width));
            voltage.CopyTo(x.Slice(t * width, width));
        }
    }

    /// <summary>ρ = a / (g + diagonalWires − a·ρ_next), with ρ_next empty at the open end.</summary>
    private static void Ratio(ReadOnlySpan<double> g, ReadOnlySpan<double> next, double a, double diagonalWires, Span<double> ratio)
    {
        var k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            var vd = Vector256.Create(diagonalWires);
            for (; k <= g.Length - Vector256<double>.Count; k += Vector256<double>.Count)
            {
                var denominator = Vector256.Create(g.Slice(k, Vector256<double>.Count)) + vd;
                if (!next.IsEmpty)
                {
                    denominator -= va * Vector256.Create(next.Slice(k, Vector256<double>.Count));
                }

                (va / denominator).CopyTo(ratio.Slice(k, Vector256<double>.Count));
            }
        }

        for (; k < g.Length; k++)
        {
            ratio[k] = a / (g[k] + diagonalWires - (next.IsEmpty ? 0 : a * next[k]));
        }
    }

    private static void Multiply(Span<double> values, ReadOnlySpan<double> by)
    {
        var k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; k <= values.Length - Vector256<double>.Count; k += Vector256<double>.Count)
            {
                (Vector256.Create((ReadOnlySpan<double>)values.Slice(k, Vector256<double>.Count)) * Vector256.Create(by.Slice(k, Vector256<double>.Count)))
                    .CopyTo(values.Slice(k, Vector256<double>.Count));
            }
        }

        for (; k < values.Length; k++)
        {
            values[k] *= by[k];
        }
    }
}
