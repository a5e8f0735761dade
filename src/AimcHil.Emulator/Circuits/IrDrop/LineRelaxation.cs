using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AimcHil.Emulator.Circuits;

/// <summary>Bit-node voltages of a block of inputs by alternating exact word-line and bit-line ladder solves (line relaxation).</summary>
/// <remarks>
/// One sweep solves every word ladder with the bit voltages as sources, then every bit ladder with the word voltages
/// as sources: w ← B⁻¹(b + G·T⁻¹·G·w), block Gauss–Seidel between the two wire families on the
/// <see cref="ConductingCellNetwork"/>. In Schur form this is w ← w + z with z = B⁻¹(b − S·w), S = B − G·T⁻¹·G, so each
/// sweep is one step of the iteration the conjugate-gradient solver of <see cref="IrDropNetwork"/> accelerates, and
/// it contracts the error by ρ² (the spectral radius of B⁻¹G·T⁻¹G, a B-self-adjoint operator with spectrum in
/// [0, ρ²]). On the realistic tile ρ² ≈ 0.008, so relaxation needs 6 sweeps where the conjugate gradients need 4, but a
/// sweep keeps one vector per input instead of six, reads and writes it twice and fits the block in the last-level
/// cache: that, not the sweep count, is what the solve costs. The word ladders run along each row, the bit
/// ladders' elimination down the rows beside them, the back substitution up, each vectorized across the block's
/// inputs (node-major, input-minor layout).
/// <para>
/// Convergence is the conjugate-gradient solver's: the residual r = b − S·w of the iterate is judged through
/// z = B⁻¹r, which is exactly the next sweep's correction. Its energy rᵀz = zᵀB z = Σ_t D_t·(Lᵀz)_t² comes for free
/// from the elimination, since Lᵀz = y − Lᵀw with y the eliminated right-hand side, and the sense-node corrections are
/// y − w at the last cell of each bit line. A sweep therefore measures the iterate it starts from; the solve stops once
/// that iterate meets the tolerance and returns the sweep's result, one correction further. A block whose corrections
/// shrink by less than <see cref="SlowContraction"/> per sweep reports <see cref="Outcome.Slow"/>: relaxation would
/// need many sweeps there and the caller hands the block to the conjugate gradients.
/// </para>
/// </remarks>
internal sealed class LineRelaxation
{
    /// <summary>Largest per-sweep contraction of the correction (in the B-norm) at which relaxation keeps going.</summary>
    /// <remarks>
    /// Relaxation gains −log ρ² per sweep, conjugate gradients −log((1 − √(1 − ρ²))/(1 + √(1 − ρ²))) per sweep at
    /// about four times the cost of a relaxation sweep (measured, see IrDropNetwork), so they break even near
    /// ρ² = 0.8. The observed ratio approaches ρ² from below, so the switch is made a little earlier.
    /// </remarks>
    public const double SlowContraction = 0.6;

    /// <summary>Floating-point operations per conducting cell and input of one elimination pass (word ladder both ways,
    /// bit elimination, residual energy): 3 + 2 + 1 + 3 + 2 + 1 + 3.</summary>
    public const int EliminationFlops = 15;

    /// <summary>The word ladder's share of <see cref="EliminationFlops"/> (3 + 2), skipped by each solve's first sweep,
    /// which starts from w = 0.</summary>
    public const int WordLadderFlops = 5;

    /// <summary>Floating-point operations per conducting cell and input of one back-substitution pass.</summary>
    public const int SubstitutionFlops = 2;

    private const int VectorsPerCell = 2;

    /// <summary>Fraction of an input's largest output below which outputs need only absolute accuracy (below a 20-bit ADC's LSB).</summary>
    private const double OutputFloor = 1e-6;

    private readonly ConductingCellNetwork network;
    private readonly double[] voltage;
    private readonly double[] wordScratch;
    private readonly double[] columnCarry;
    private readonly double[] senseBefore;
    private readonly double[] energy;
    private readonly double[] previousEnergy;
    private readonly double[] driveEnergy;
    private readonly double[] misfit;
    private int[] driveCells = [];
    private double[] driveValues = [];
    private int driveCount;

    public LineRelaxation(ConductingCellNetwork network)
    {
        this.network = network;
        voltage = new double[network.CellCount * Lanes];
        wordScratch = new double[Math.Max(network.LongestWordLine, 1) * Lanes];
        columnCarry = new double[network.Cols * Lanes];
        senseBefore = new double[network.Cols * Lanes];
        energy = new double[Lanes];
        previousEnergy = new double[Lanes];
        driveEnergy = new double[Lanes];
        misfit = new double[Lanes];
    }

    /// <summary>How a solve ended.</summary>
    public enum Outcome
    {
        Converged,

        /// <summary>Relaxation contracts too slowly here; conjugate gradients will be faster.</summary>
        Slow,

        Failed,
    }

    /// <summary>Inputs solved at once, one per vector lane.</summary>
    public static int Lanes => VectorsPerCell * Vector<double>.Count;

    /// <summary>Sweeps of the last solve.</summary>
    public int Sweeps { get; private set; }

    /// <summary>Elimination and back-substitution passes since construction, for the flop count.</summary>
    public long EliminationPasses { get; private set; }

    public long SubstitutionPasses { get; private set; }

    /// <summary>Solves since construction (each one's first elimination skips the word ladders).</summary>
    public long Solves { get; private set; }

    /// <summary>Why the last solve failed.</summary>
    public SolveFailure? Failure { get; private set; }

    /// <summary>Bit voltages (cell-major, input-minor) of the last solve.</summary>
    public double[] Voltage => voltage;

    /// <summary>Solves unit inputs firstInput.. (one per lane); with <paramref name="wholeTile"/> every bit voltage is
    /// finished, otherwise only the sense cells' (all <see cref="StoreOutputs"/> reads).</summary>
    public Outcome SolveUnitInputs(int firstInput, double tolerance, int maxSweeps, bool wholeTile)
    {
        // Unit input k drives word line k alone: its Schur right-hand side is G∘(T⁻¹·source) on row k's cells.
        var rows = network.Rows;
        var lanes = Lanes;
        var count = 0;
        for (var lane = 0; lane < lanes && firstInput + lane < rows; lane++)
        {
            var row = firstInput + lane;
            count += network.RowStart[row + 1] - network.RowStart[row];
        }

        PrepareDrives(count);
        for (var lane = 0; lane < lanes && firstInput + lane < rows; lane++)
        {
            var row = firstInput + lane;
            for (var c = network.RowStart[row]; c < network.RowStart[row + 1]; c++)
            {
                driveCells[driveCount] = c;
                driveValues[(driveCount * lanes) + lane] = network.Coefficients[c].Conductance * network.WordDriveResponse[c];
                driveCount++;
            }
        }

        return SolveLoaded(tolerance, maxSweeps, wholeTile);
    }

    /// <summary>Solves the adjoint system of inputs firstInput.., driven by γ[k,j]·g_sense,j at each bit line's last cell.</summary>
    public Outcome SolveSenseAdjoint(int firstInput, double[] gamma, double tolerance, int maxSweeps)
    {
        var rows = network.Rows;
        var cols = network.Cols;
        var lanes = Lanes;
        var lastCells = network.LastInColumn.Where(c => c >= 0).Order().ToArray();
        PrepareDrives(lastCells.Length);
        foreach (var c in lastCells)
        {
            var j = network.Column[c];
            driveCells[driveCount] = c;
            for (var lane = 0; lane < lanes && firstInput + lane < rows; lane++)
            {
                driveValues[(driveCount * lanes) + lane] = gamma[((firstInput + lane) * cols) + j] * network.SenseSiemens[j];
            }

            driveCount++;
        }

        return SolveLoaded(tolerance, maxSweeps, wholeTile: true);
    }

    /// <summary>Geff[k, j] = g_sense,j·W_k[last cell of j] for the block's inputs (a bit line without a conducting cell reads 0).</summary>
    public void StoreOutputs(int firstInput, double[] effective)
    {
        var cols = network.Cols;
        var lanes = Lanes;
        for (var lane = 0; lane < lanes && firstInput + lane < network.Rows; lane++)
        {
            for (var j = 0; j < cols; j++)
            {
                var last = network.LastInColumn[j];
                effective[((firstInput + lane) * cols) + j] = last >= 0 ? network.SenseSiemens[j] * voltage[(last * lanes) + lane] : 0;
            }
        }
    }

    /// <summary>x ← x + z on every cell: the back substitution up every bit line, finishing the sweep.</summary>
    public void Substitute()
    {
        SubstitutionPasses++;
        Array.Clear(columnCarry);
        ref var w = ref AsVectors(voltage);
        ref var carry = ref AsVectors(columnCarry);
        ref var backwardCarry = ref MemoryMarshal.GetArrayDataReference(network.BitBackwardCarry);
        ref var column = ref MemoryMarshal.GetArrayDataReference(network.Column);

        // Cells in descending order meet each bit line bottom-up, so the column's carry holds the cell just below.
        for (var c = network.CellCount - 1; c >= 0; c--)
        {
            var e = new Vector<double>(Unsafe.Add(ref backwardCarry, c));
            var col = VectorsPerCell * Unsafe.Add(ref column, c);
            ref var w0 = ref Unsafe.Add(ref w, VectorsPerCell * c);
            ref var w1 = ref Unsafe.Add(ref w0, 1);
            ref var carry0 = ref Unsafe.Add(ref carry, col);
            ref var carry1 = ref Unsafe.Add(ref carry0, 1);
            w0 = Vector.FusedMultiplyAdd(e, carry0, w0);
            w1 = Vector.FusedMultiplyAdd(e, carry1, w1);
            carry0 = w0;
            carry1 = w1;
        }
    }

    private static ref Vector<double> AsVectors(double[] values) =>
        ref MemoryMarshal.GetReference(MemoryMarshal.Cast<double, Vector<double>>(values.AsSpan()));

    private void PrepareDrives(int count)
    {
        if (driveCells.Length < count)
        {
            driveCells = new int[count];
            driveValues = new double[count * Lanes];
        }

        Array.Clear(driveValues, 0, count * Lanes);
        driveCount = 0;
    }

    private Outcome SolveLoaded(double tolerance, int maxSweeps, bool wholeTile)
    {
        Solves++;
        Array.Clear(voltage);
        Array.Clear(energy);
        Sweeps = 0;
        var worst = double.PositiveInfinity;
        while (true)
        {
            if (Sweeps == maxSweeps)
            {
                Failure = new SolveFailure(SolveFailure.Limit.SweepLimit, worst, Sweeps);
                return Outcome.Failed;
            }

            Sweeps++;
            energy.CopyTo(previousEnergy, 0);
            Eliminate();
            if (Sweeps == 1)
            {
                // From w = 0 the correction is B⁻¹b itself, so its energy is bᵀB⁻¹b, the scale of the residual.
                energy.CopyTo(driveEnergy, 0);
            }

            worst = WorstMisfit();
            if (worst < tolerance)
            {
                if (wholeTile)
                {
                    Substitute();
                }

                return Outcome.Converged;
            }

            if (Sweeps >= 3 && !(Contraction(tolerance) <= SlowContraction))
            {
                return Outcome.Slow;
            }

            Substitute();
        }
    }

    /// <summary>The worst lane's larger of the norm-wise relative residual √(rᵀz / bᵀB⁻¹b) and the worst relative
    /// correction at a sense node; outputs below <see cref="OutputFloor"/> of the input's largest are held to that floor.</summary>
    private double WorstMisfit()
    {
        var lanes = Lanes;
        var worst = 0.0;
        for (var lane = 0; lane < lanes; lane++)
        {
            if (!(driveEnergy[lane] > 0))
            {
                // A padding lane, or a row without a conducting cell, has b = 0 and the exact answer w = 0.
                misfit[lane] = 0;
                continue;
            }

            var largest = 0.0;
            for (var j = 0; j < network.Cols; j++)
            {
                largest = Math.Max(largest, Math.Abs(senseBefore[(j * lanes) + lane]));
            }

            var laneMisfit = Math.Sqrt(Math.Max(energy[lane], 0) / driveEnergy[lane]);
            for (var j = 0; j < network.Cols; j++)
            {
                var last = network.LastInColumn[j];
                var before = senseBefore[(j * lanes) + lane];
                var scale = Math.Max(Math.Abs(before), OutputFloor * largest);
                if (last >= 0 && scale > 0)
                {
                    laneMisfit = Math.Max(laneMisfit, Math.Abs(voltage[(last * lanes) + lane] - before) / scale);
                }
            }

            misfit[lane] = laneMisfit;
            worst = double.IsNaN(laneMisfit) ? double.NaN : Math.Max(worst, laneMisfit);
        }

        return worst;
    }

    /// <summary>Largest per-sweep ratio of the correction's B-norm over the lanes still short of the tolerance
    /// (a converged lane sits at the floating-point floor, where the ratio means nothing).</summary>
    private double Contraction(double tolerance)
    {
        var largest = 0.0;
        for (var lane = 0; lane < Lanes; lane++)
        {
            if (misfit[lane] < tolerance || !(driveEnergy[lane] > 0))
            {
                continue;
            }

            var ratio = Math.Sqrt(Math.Max(energy[lane], 0) / previousEnergy[lane]);
            largest = double.IsNaN(ratio) ? double.NaN : Math.Max(largest, ratio);
        }

        return largest;
    }

    /// <summary>Word ladders with the bit voltages as sources, then the bit ladders' elimination down the rows:
    /// the voltage array ends holding y (final at each bit line's last cell) and <see cref="energy"/> rᵀz per lane.</summary>
    /// <remarks>
    /// The word back substitution runs right to left fused with the bit elimination of the same cells, so each cell's
    /// word voltage is used the moment it is final. The kernels go through refs because bounds checks on the
    /// input-minor layout cost more than their arithmetic; every index stays inside the arrays by construction.
    /// </remarks>
    private void Eliminate()
    {
        EliminationPasses++;
        var lanes = Lanes;
        for (var j = 0; j < network.Cols; j++)
        {
            var last = network.LastInColumn[j];
            if (last >= 0)
            {
                Array.Copy(voltage, last * lanes, senseBefore, j * lanes, lanes);
            }
        }

        Array.Clear(columnCarry);
        ref var w = ref AsVectors(voltage);
        ref var t = ref AsVectors(wordScratch);
        ref var carry = ref AsVectors(columnCarry);
        ref var drive = ref AsVectors(driveValues);
        ref var coefficients = ref MemoryMarshal.GetArrayDataReference(network.Coefficients);
        ref var column = ref MemoryMarshal.GetArrayDataReference(network.Column);
        ref var below = ref MemoryMarshal.GetArrayDataReference(network.Below);
        var energy0 = Vector<double>.Zero;
        var energy1 = Vector<double>.Zero;
        var entry = 0;
        var fromZero = Sweeps == 1;
        for (var i = 0; i < network.Rows; i++)
        {
            var start = network.RowStart[i];
            var end = network.RowStart[i + 1];
            if (start == end)
            {
                continue;
            }

            // Word ladder i, forward: t_c = m_c·G_c·w_c + carry_c·t_{c−1}; the first sweep starts from w = 0, so t = 0.
            var t0 = Vector<double>.Zero;
            var t1 = Vector<double>.Zero;
            for (var c = start; c < end && !fromZero; c++)
            {
                ref var k = ref Unsafe.Add(ref coefficients, c);
                var pg = new Vector<double>(k.WordPivotConductance);
                var fc = new Vector<double>(k.WordForwardCarry);
                ref var w0 = ref Unsafe.Add(ref w, VectorsPerCell * c);
                t0 = Vector.FusedMultiplyAdd(fc, t0, pg * w0);
                t1 = Vector.FusedMultiplyAdd(fc, t1, pg * Unsafe.Add(ref w0, 1));
                ref var scratch = ref Unsafe.Add(ref t, VectorsPerCell * (c - start));
                scratch = t0;
                Unsafe.Add(ref scratch, 1) = t1;
            }

            var rowEntries = entry;
            while (rowEntries < driveCount && driveCells[rowEntries] < end)
            {
                rowEntries++;
            }

            var pending = rowEntries - 1;
            for (var c = end - 1; c >= start; c--)
            {
                ref var k = ref Unsafe.Add(ref coefficients, c);
                if (c < end - 1 && !fromZero)
                {
                    var bc = new Vector<double>(k.WordBackwardCarry);
                    ref var scratch = ref Unsafe.Add(ref t, VectorsPerCell * (c - start));
                    t0 = Vector.FusedMultiplyAdd(bc, t0, scratch);
                    t1 = Vector.FusedMultiplyAdd(bc, t1, Unsafe.Add(ref scratch, 1));
                }

                var g = new Vector<double>(k.Conductance);
                var f0 = g * t0;
                var f1 = g * t1;
                if (pending >= entry && driveCells[pending] == c)
                {
                    ref var b = ref Unsafe.Add(ref drive, VectorsPerCell * pending);
                    f0 += b;
                    f1 += Unsafe.Add(ref b, 1);
                    pending--;
                }

                // Bit ladder, elimination: y_c = m_c·f_c + carry_c·y_above, and Lᵀz = y − (w − carry_below·w_below).
                var m = new Vector<double>(k.BitPivot);
                var fe = new Vector<double>(k.BitForwardCarry);
                var be = new Vector<double>(k.BitBackwardCarry);
                var d = new Vector<double>(k.BitPivotInverse);
                ref var above0 = ref Unsafe.Add(ref carry, VectorsPerCell * Unsafe.Add(ref column, c));
                ref var above1 = ref Unsafe.Add(ref above0, 1);
                ref var w0 = ref Unsafe.Add(ref w, VectorsPerCell * c);
                ref var w1 = ref Unsafe.Add(ref w0, 1);
                ref var below0 = ref Unsafe.Add(ref w, VectorsPerCell * Unsafe.Add(ref below, c));
                var y0 = Vector.FusedMultiplyAdd(m, f0, fe * above0);
                var y1 = Vector.FusedMultiplyAdd(m, f1, fe * above1);
                var z0 = y0 - Vector.FusedMultiplyAdd(-be, below0, w0);
                var z1 = y1 - Vector.FusedMultiplyAdd(-be, Unsafe.Add(ref below0, 1), w1);
                energy0 = Vector.FusedMultiplyAdd(d * z0, z0, energy0);
                energy1 = Vector.FusedMultiplyAdd(d * z1, z1, energy1);
                w0 = y0;
                w1 = y1;
                above0 = y0;
                above1 = y1;
            }

            entry = rowEntries;
        }

        var sums = MemoryMarshal.Cast<double, Vector<double>>(energy.AsSpan());
        sums[0] = energy0;
        sums[1] = energy1;
    }
}
