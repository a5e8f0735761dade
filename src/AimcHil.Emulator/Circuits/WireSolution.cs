using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace AimcHil.Emulator.Circuits;

/// <summary>One tile's effective conductance under IR drop, kept within a tolerance of the exact network solve across
/// reprogramming without re-solving the network every time.</summary>
/// <remarks>
/// The exact network (<see cref="IrDropNetwork.EffectiveConductance(ReadOnlySpan{double}, int, int, double, double, double, int)"/>) costs 0.1–0.5 s for a 256×512 tile, so
/// solving it after every programming would add that to every training step that rewrites the tiles. The
/// solution is split as Geff = S(G) + C(G): S is the separable part, the word-line and bit-line attenuations each
/// solved exactly with the other family grounded (<see cref="LineAttenuation"/>, O(cells)), and C the coupling of
/// the two families (second order in the wire resistance). C is taken from the last network solve, at conductances
/// G_ref, and kept while the error of keeping it, estimated per column as ((1 + δ_column)(1 + δ_rows)³ − 1)·|C|
/// (C is of degree 3 in the conductances, one factor from the column's own devices, two from word lines, plus one
/// for the higher orders) with δ the largest relative partial sum of the conductance changes along the column's bit
/// line or along any word line, stays within what the solve left of the tolerance; otherwise the network is solved
/// again. The solve itself is held to <see cref="SolveShare"/> of the tolerance (not to 1e-10: five relaxation
/// sweeps per block instead of six on the benchmark chip), so a result is always within the tolerance of the exact network. Tests check
/// the estimate against exact solves for random, systematic (Adam-like) and position-dependent changes and a single
/// cell solved by hand. A tolerance of 0 solves the network to 1e-10 after every change.
/// </remarks>
public sealed class WireSolution
{
    /// <summary>How much faster than the conductances the coupling changes: at leading order it is a device, a wire
    /// segment, a device, a wire segment and a device in series (G·R·G·R·G), homogeneous of degree 3 in the
    /// conductances, so a relative change δ moves it by about (1 + δ)³ − 1; the estimate takes one degree more, which
    /// leaves room for the higher orders and still covers the cube when δ is large (a single cell moved by half: 2.31
    /// times its coupling, against 2 from the former linear law 4δ; see the closed-form test).</summary>
    private const double CouplingDegree = 4;

    /// <summary>The share of the tolerance the network solve may spend on its own error; the kept coupling gets the rest.</summary>
    /// <remarks>The solver's tolerance is relative per output (<see cref="IrDropNetwork"/>), so a column's error is at most
    /// the solver tolerance times the column's Σ_i Geff + 1e-6 of the tile's total (the solver's output floor); Geff is
    /// a transfer conductance of a resistive network, 0 ≤ Geff ≤ G summed over a column or a row, so the device
    /// conductances bound that sum before the solve. An eighth costs the kept coupling an eighth of its room and
    /// saves one or two of six sweeps: 5 per block on fmnist-hil-1's layer-1 tiles in training (solver tolerance
    /// 2.5e-5, about a fifth less solve time), 4 on a synthetic 256×512 tile at 1e-5, whose result was within 2e-14 S
    /// of a 1e-12 solve against a tolerance of 6e-8 S.</remarks>
    private const double SolveShare = 1.0 / 8;

    /// <summary>The solver tolerance with no tolerance to share (every programming solved), and the tightest used.</summary>
    private const double ExactSolverTolerance = 1e-10;

    /// <summary>The loosest solver tolerance used, where the tolerance is large against the tile's conductances.</summary>
    private const double LoosestSolverTolerance = 1e-3;

    /// <summary>The solver's output floor (<c>LineRelaxation.OutputFloor</c>): outputs under this fraction of their
    /// input's largest are held to it instead of to their own size.</summary>
    private const double SolverOutputFloor = 1e-6;

    private double[]? _reference;
    private double[]? _coupling;
    private double[]? _couplingColumnL1;

    // The estimate's per-column running sums, kept between calls.
    private readonly double[] _partial;
    private readonly double[] _lowest;
    private readonly double[] _highest;
    private readonly double[] _before;

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
        _partial = new double[cols];
        _lowest = new double[cols];
        _highest = new double[cols];
        _before = new double[cols];
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

    /// <summary>Estimated error bound (siemens, per column as for the tolerance) of the last result against the exact
    /// network: the last solve's own bound, plus the kept coupling's estimate when it was kept.</summary>
    public double LastErrorEstimateSiemens { get; private set; }

    /// <summary>Error bound (siemens, per column) of the last network solve, whose coupling is the one kept.</summary>
    public double LastSolveErrorSiemens { get; private set; }

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
            if (estimate <= ToleranceSiemens - LastSolveErrorSiemens)
            {
                TensorPrimitives.Add(effective, _coupling!, effective);
                LastErrorEstimateSiemens = LastSolveErrorSiemens + estimate;
                Updates++;
                return;
            }
        }

        var (solverTolerance, solveErrorSiemens) = SolverTolerance(conductanceSiemens);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var exact = IrDropNetwork.EffectiveConductance(conductanceSiemens, Rows, Cols, WordSegmentOhm, BitSegmentOhm, solverTolerance);
        ExactSolveSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        ExactSolves++;
        LastSolveErrorSiemens = solveErrorSiemens;
        LastErrorEstimateSiemens = solveErrorSiemens;
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

    /// <summary>The relative tolerance to solve the network to, and the bound on a column's error it gives (see
    /// <see cref="SolveShare"/>).</summary>
    private (double Solver, double ErrorSiemens) SolverTolerance(ReadOnlySpan<double> conductanceSiemens)
    {
        var columnSums = _partial;
        Array.Clear(columnSums);
        for (var i = 0; i < Rows; i++)
        {
            TensorPrimitives.Add(columnSums, conductanceSiemens.Slice(i * Cols, Cols), columnSums);
        }

        var scale = TensorPrimitives.Max(columnSums) + (SolverOutputFloor * TensorPrimitives.Sum(columnSums));
        var solver = ToleranceSiemens > 0 && scale > 0
            ? Math.Clamp(SolveShare * ToleranceSiemens / scale, ExactSolverTolerance, LoosestSolverTolerance)
            : ExactSolverTolerance;
        return (solver, solver * scale);
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

    /// <summary>max over columns of |C|₁(column) · ((1 + δ_column)·(1 + δ_rows)^(<see cref="CouplingDegree"/> − 1) − 1).</summary>
    /// <remarks>
    /// The coupling is a sum over the devices of a line weighted by the line's Green's function, which is monotone in
    /// the position along the line; by Abel summation such a sum of changes is bounded by the largest partial sum of
    /// the changes (from either end), not by their L1 norm. So δ of a line is its largest partial sum of ΔG over its
    /// reference conductance: a systematic change counts in full, independent per-device changes (reprogramming noise)
    /// cancel as a random walk does. At leading order a column's coupling C[i,j] = Σ_k,l G_il·G_kl·G_kj·(wire terms)
    /// takes one factor from the column's own bit line (G_kj) and two summed along word lines (G_il, G_kl), so the
    /// column's δ counts once and δ_rows, the largest over the word lines (every word line feeds every column), the
    /// other times. Against the former 4·max(δ_column, δ_rows) this is never larger at first order, and a third to a
    /// fifth smaller on the benchmark's steps, where the two are alike.
    /// </remarks>
    private double ErrorEstimate(ReadOnlySpan<double> conductance, double[] reference)
    {
        // Per column: the running partial sum of ΔG down the bit line, its extremes, and the reference total.
        var partial = _partial.AsSpan();
        var lowest = _lowest.AsSpan();
        var highest = _highest.AsSpan();
        var before = _before.AsSpan();
        partial.Clear();
        lowest.Clear();
        highest.Clear();
        before.Clear();
        var width = Vector256<double>.Count;
        var rowDelta = 0.0;
        for (var i = 0; i < Rows; i++)
        {
            var g = conductance.Slice(i * Cols, Cols);
            var r = reference.AsSpan(i * Cols, Cols);
            double rowPartial = 0, rowLowest = 0, rowHighest = 0, rowBefore = 0;
            var j = 0;
            for (; j <= Cols - width; j += width)
            {
                var change = Vector256.Create(g.Slice(j, width)) - Vector256.Create(r.Slice(j, width));
                var column = Vector256.Create((ReadOnlySpan<double>)partial.Slice(j, width)) + change;
                column.CopyTo(partial.Slice(j, width));
                Vector256.Min(Vector256.Create((ReadOnlySpan<double>)lowest.Slice(j, width)), column).CopyTo(lowest.Slice(j, width));
                Vector256.Max(Vector256.Create((ReadOnlySpan<double>)highest.Slice(j, width)), column).CopyTo(highest.Slice(j, width));
                (Vector256.Create((ReadOnlySpan<double>)before.Slice(j, width)) + Vector256.Create(r.Slice(j, width))).CopyTo(before.Slice(j, width));

                // The word line's running sum goes cell by cell.
                for (var lane = 0; lane < width; lane++)
                {
                    rowPartial += change[lane];
                    rowLowest = Math.Min(rowLowest, rowPartial);
                    rowHighest = Math.Max(rowHighest, rowPartial);
                }

                rowBefore += Vector256.Sum(Vector256.Create(r.Slice(j, width)));
            }

            for (; j < Cols; j++)
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
        var rowGrowth = Math.Pow(1 + rowDelta, CouplingDegree - 1);
        for (var j = 0; j < Cols; j++)
        {
            var columnDelta = Ratio(LargestPartialSum(partial[j], lowest[j], highest[j]), before[j]);
            if (double.IsPositiveInfinity(columnDelta) || double.IsPositiveInfinity(rowDelta))
            {
                return double.PositiveInfinity;
            }

            worst = Math.Max(worst, _couplingColumnL1![j] * (((1 + columnDelta) * rowGrowth) - 1));
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
