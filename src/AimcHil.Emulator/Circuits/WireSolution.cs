using System.Buffers;
using System.Numerics.Tensors;

namespace AimcHil.Emulator.Circuits;

/// <summary>One tile's effective conductance under IR drop, kept within a tolerance of the exact network solve across
/// reprogramming without re-solving the network every time.</summary>
/// <remarks>
/// The exact network (<see cref="IrDropNetwork.EffectiveConductance(ReadOnlySpan{double}, int, int, double, double, double, int)"/>) costs 0.1–0.5 s for a 256×512 tile, so
/// solving it after every programming would add that to every training step that rewrites the tiles. The
/// solution is split as Geff = S(G) + C(G): S is the separable part, the word-line and bit-line attenuations each
/// solved exactly with the other family grounded (<see cref="LineAttenuation"/>, O(cells)), and C the coupling of
/// the two families (second order in the wire resistance). C is taken from the last exact solve, at conductances
/// G_ref, and kept while the error of keeping it, estimated as 4·|C|·δ per column (C is of degree 3 in the
/// conductances) with δ the largest relative partial sum of the conductance changes along the column's bit line or
/// any word line, stays within the tolerance; otherwise the network is solved again. Tests check the estimate
/// against exact solves for random, systematic and position-dependent changes. A tolerance of 0
/// re-solves after every change.
/// </remarks>
public sealed class WireSolution
{
    /// <summary>How much faster than the conductances the coupling changes: at leading order it is a device, a wire
    /// segment, a device, a wire segment and a device in series (G·R·G·R·G), homogeneous of degree 3 in the
    /// conductances, so a relative change δ moves it by about 3δ; 4 leaves room for the higher orders.</summary>
    private const double CouplingDegree = 4;

    private double[]? _reference;
    private double[]? _coupling;
    private double[]? _couplingColumnL1;

    /// <param name="toleranceSiemens">Largest accepted error of Σ_i |Geff[i,j]| per column j, i.e. of the column's
    /// current per volt with every input at full scale.</param>
    public WireSolution(int rows, int cols, double wordSegmentOhm, double bitSegmentOhm, double toleranceSiemens)
    {
        if (!(toleranceSiemens >= 0) || double.IsInfinity(toleranceSiemens))
        {
            throw new ArgumentOutOfRangeException(nameof(toleranceSiemens), toleranceSiemens, "The tolerance must be zero or positive and finite.");
        }

        if (!(wordSegmentOhm > 0 && bitSegmentOhm > 0))
        {
            throw new ArgumentException($"both wire families must be resistive (word {wordSegmentOhm} Ω, bit {bitSegmentOhm} Ω); with one ideal the network is separable and needs no solution kept");
        }

        Rows = rows;
        Cols = cols;
        WordSegmentOhm = wordSegmentOhm;
        BitSegmentOhm = bitSegmentOhm;
        ToleranceSiemens = toleranceSiemens;
    }

    public int Rows { get; }

    public int Cols { get; }

    public double WordSegmentOhm { get; }

    public double BitSegmentOhm { get; }

    public double ToleranceSiemens { get; }

    /// <summary>How many times the full network was solved (once per programming when the tolerance is 0).</summary>
    public int ExactSolves { get; private set; }

    /// <summary>Wall-clock seconds spent in the exact solves so far.</summary>
    public double ExactSolveSeconds { get; private set; }

    /// <summary>How many times the kept coupling was reused instead.</summary>
    public int Updates { get; private set; }

    /// <summary>Estimated error bound (siemens, per column as for the tolerance) of the last result; 0 after an exact solve.</summary>
    public double LastErrorEstimateSiemens { get; private set; }

    /// <summary>Geff (rows×cols, row-major) of the network with these device conductances.</summary>
    public double[] EffectiveConductance(ReadOnlySpan<double> conductanceSiemens)
    {
        var effective = new double[conductanceSiemens.Length];
        EffectiveConductance(conductanceSiemens, effective);
        return effective;
    }

    /// <summary>Geff (rows×cols, row-major) of the network with these device conductances, into <paramref name="effective"/>.</summary>
    public void EffectiveConductance(ReadOnlySpan<double> conductanceSiemens, Span<double> effective)
    {
        IrDropNetwork.ValidateTile(conductanceSiemens, Rows, Cols);
        Separable(conductanceSiemens, Rows, Cols, WordSegmentOhm, BitSegmentOhm, effective);
        if (_reference is { } reference && ToleranceSiemens > 0)
        {
            var estimate = ErrorEstimate(conductanceSiemens, reference);
            if (estimate <= ToleranceSiemens)
            {
                TensorPrimitives.Add(effective, _coupling!, effective);
                LastErrorEstimateSiemens = estimate;
                Updates++;
                return;
            }
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var exact = IrDropNetwork.EffectiveConductance(conductanceSiemens, Rows, Cols, WordSegmentOhm, BitSegmentOhm);
        ExactSolveSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        ExactSolves++;
        LastErrorEstimateSiemens = 0;
        _reference = conductanceSiemens.ToArray();
        _coupling = new double[exact.Length];
        _couplingColumnL1 = new double[Cols];
        for (var i = 0; i < Rows; i++)
        {
            for (var j = 0; j < Cols; j++)
            {
                var k = (i * Cols) + j;
                _coupling[k] = exact[k] - effective[k];
                _couplingColumnL1[j] += Math.Abs(_coupling[k]);
            }
        }

        exact.CopyTo(effective);
    }

    /// <summary>Geff with the word and bit lines solved separately, G∘a∘s: exact when either family is ideal, and off
    /// by the families' coupling otherwise.</summary>
    public static double[] Separable(ReadOnlySpan<double> conductanceSiemens, int rows, int cols, double wordSegmentOhm, double bitSegmentOhm)
    {
        IrDropNetwork.ValidateTile(conductanceSiemens, rows, cols);
        var effective = new double[conductanceSiemens.Length];
        Separable(conductanceSiemens, rows, cols, wordSegmentOhm, bitSegmentOhm, effective);
        return effective;
    }

    /// <summary><see cref="Separable(ReadOnlySpan{double}, int, int, double, double)"/> into <paramref name="effective"/>
    /// (the conductances already validated).</summary>
    internal static void Separable(ReadOnlySpan<double> conductanceSiemens, int rows, int cols, double wordSegmentOhm, double bitSegmentOhm, Span<double> effective)
    {
        var n = conductanceSiemens.Length;
        conductanceSiemens.CopyTo(effective);
        var rented = ArrayPool<double>.Shared.Rent(n);
        try
        {
            var attenuation = rented.AsSpan(0, n);
            if (wordSegmentOhm > 0)
            {
                LineAttenuation.WordLines(conductanceSiemens, rows, cols, 1 / wordSegmentOhm, attenuation);
                TensorPrimitives.Multiply(effective, attenuation, effective);
            }

            if (bitSegmentOhm > 0)
            {
                LineAttenuation.BitLines(conductanceSiemens, rows, cols, 1 / bitSegmentOhm, attenuation);
                TensorPrimitives.Multiply(effective, attenuation, effective);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>max over columns of |C|₁(column) · <see cref="CouplingDegree"/> · max(δ_column, δ_rows).</summary>
    /// <remarks>
    /// The coupling is a sum over the devices of a line weighted by the line's Green's function, which is monotone in
    /// the position along the line; by Abel summation such a sum of changes is bounded by the largest partial sum of
    /// the changes (from either end), not by their L1 norm. So δ of a line is its largest partial sum of ΔG over its
    /// reference conductance: a systematic change counts in full, independent per-device changes (reprogramming noise)
    /// cancel as a random walk does. δ_rows is the largest over the word lines, since every word line feeds every column.
    /// </remarks>
    private double ErrorEstimate(ReadOnlySpan<double> conductance, double[] reference)
    {
        // Per column: the running partial sum of ΔG down the bit line, its extremes, and the reference total.
        var partial = new double[Cols];
        var lowest = new double[Cols];
        var highest = new double[Cols];
        var before = new double[Cols];
        var rowDelta = 0.0;
        for (var i = 0; i < Rows; i++)
        {
            var g = conductance.Slice(i * Cols, Cols);
            var r = reference.AsSpan(i * Cols, Cols);
            double rowPartial = 0, rowLowest = 0, rowHighest = 0, rowBefore = 0;
            for (var j = 0; j < Cols; j++)
            {
                var change = g[j] - r[j];
                partial[j] += change;
                lowest[j] = Math.Min(lowest[j], partial[j]);
                highest[j] = Math.Max(highest[j], partial[j]);
                before[j] += r[j];
                rowPartial += change;
                rowLowest = Math.Min(rowLowest, rowPartial);
                rowHighest = Math.Max(rowHighest, rowPartial);
                rowBefore += r[j];
            }

            rowDelta = Math.Max(rowDelta, Ratio(LargestPartialSum(rowPartial, rowLowest, rowHighest), rowBefore));
        }

        var worst = 0.0;
        for (var j = 0; j < Cols; j++)
        {
            var delta = Math.Max(rowDelta, Ratio(LargestPartialSum(partial[j], lowest[j], highest[j]), before[j]));
            if (double.IsPositiveInfinity(delta))
            {
                return delta;
            }

            worst = Math.Max(worst, _couplingColumnL1![j] * CouplingDegree * delta);
        }

        return worst;
    }

    /// <summary>The largest |Σ| over the prefixes and suffixes of a line, from its total and its prefix extremes
    /// (the empty prefix included, as 0): a suffix sum is the total minus a prefix sum.</summary>
    private static double LargestPartialSum(double total, double lowestPrefix, double highestPrefix) =>
        Math.Max(Math.Max(-lowestPrefix, highestPrefix), Math.Max(Math.Abs(total - lowestPrefix), Math.Abs(total - highestPrefix)));

    /// <summary>Relative change; a column that held nothing and now holds something has changed completely.</summary>
    private static double Ratio(double changed, double before) =>
        before > 0 ? changed / before : (changed > 0 ? double.PositiveInfinity : 0);

}
