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

    /// <summary>Floating-point operations per conducting cell and input of one back-substitution pass.</summary>
    public const int SubstitutionFlops = 2;

    /// <summary>Floating-point operations per cell and input of the gradient pass: two word-ladder solves (5 each) and
    /// the product (4) on a conducting cell, four interpolations (3 each) and the product on an off cell; the larger
    /// is counted.</summary>
    public const int GradientFlops = 16;

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

    public long GradientPasses { get; private set; }

    /// <summary>Why the last solve failed.</summary>
    public string Failure { get; private set; } = "";

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

    /// <summary>Adds −Σ_k (λ_u − λ_w)(u − w) at every cell to <paramref name="gradient"/>, from the forward bit voltages
    /// <paramref name="forward"/> and the adjoint ones in <see cref="Voltage"/>.</summary>
    /// <remarks>
    /// Word voltages follow exactly from the word ladders (u = T⁻¹(s + G∘w), λ_u = T⁻¹(G∘λ_w)). An off cell's nodes are
    /// junctions of series segments, so their voltages are linear in position between the neighbouring conducting
    /// cells; a word line's first run starts at its driver (1 V on the input's own row, 0 V otherwise and in the adjoint),
    /// its last run is open and flat, as is a bit line's run above its first cell. Below its last cell a bit line runs
    /// to the sense node one segment past row rows − 1: at 0 V in the forward system, while the adjoint injects γ/r_b
    /// into node rows − 1, which puts that node at λ_p + (γ − λ_p)·(rows − 1 − p)/(rows − p) and the run in between on the
    /// straight line from λ_p at row p to γ at row rows.
    /// </remarks>
    public void AccumulateGradient(int firstInput, double[] gamma, double[] forward, double[] gradient)
    {
        GradientPasses++;
        var rows = network.Rows;
        var cols = network.Cols;
        var lanes = Lanes;
        var forwardWord = new double[wordScratch.Length];
        var adjointWord = new double[wordScratch.Length];
        var forwardWordRow = new double[cols * lanes];
        var adjointWordRow = new double[cols * lanes];
        var forwardBit = new double[lanes];
        var adjointBit = new double[lanes];
        var nearestAbove = new int[cols];
        Array.Fill(nearestAbove, -1);
        for (var i = 0; i < rows; i++)
        {
            var start = network.RowStart[i];
            var end = network.RowStart[i + 1];
            SolveWordLine(i, forward, forwardWord);
            SolveWordLine(i, voltage, adjointWord);
            var drivenLane = i - firstInput is var lane && lane >= 0 && lane < lanes ? lane : -1;
            if (drivenLane >= 0)
            {
                for (var c = start; c < end; c++)
                {
                    forwardWord[((c - start) * lanes) + drivenLane] += network.WordDriveResponse[c];
                }
            }

            ExpandWordLine(i, forwardWord, drivenLane, forwardWordRow);
            ExpandWordLine(i, adjointWord, -1, adjointWordRow);
            for (var c = start; c < end; c++)
            {
                nearestAbove[network.Column[c]] = c;
            }

            for (var j = 0; j < cols; j++)
            {
                BitVoltagesAt(i, j, nearestAbove[j], firstInput, gamma, forward, forwardBit, adjointBit);
                var sum = 0.0;
                var at = j * lanes;
                for (var l = 0; l < lanes; l++)
                {
                    sum += (adjointWordRow[at + l] - adjointBit[l]) * (forwardWordRow[at + l] - forwardBit[l]);
                }

                gradient[(i * cols) + j] -= sum;
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
        ref var coefficients = ref MemoryMarshal.GetArrayDataReference(network.Coefficients);
        ref var column = ref MemoryMarshal.GetArrayDataReference(network.Column);

        // Cells in descending order meet each bit line bottom-up, so the column's carry holds the cell just below.
        for (var c = network.CellCount - 1; c >= 0; c--)
        {
            var e = new Vector<double>(Unsafe.Add(ref coefficients, c).BitBackwardCarry);
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
        Array.Clear(voltage);
        Array.Clear(energy);
        Sweeps = 0;
        var worst = double.PositiveInfinity;
        while (true)
        {
            if (Sweeps == maxSweeps)
            {
                Failure = $"still at {worst:G3} after {Sweeps} sweeps (maxSweeps)";
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
        for (var i = 0; i < network.Rows; i++)
        {
            var start = network.RowStart[i];
            var end = network.RowStart[i + 1];
            if (start == end)
            {
                continue;
            }

            // Word ladder i, forward: t_c = m_c·G_c·w_c + carry_c·t_{c−1}.
            var t0 = Vector<double>.Zero;
            var t1 = Vector<double>.Zero;
            for (var c = start; c < end; c++)
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
                if (c < end - 1)
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

    /// <summary>Word voltages T⁻¹(G∘w) on row <paramref name="row"/>'s conducting cells (driver at 0 V), every lane.</summary>
    private void SolveWordLine(int row, double[] bitVoltage, double[] wordVoltage)
    {
        var lanes = Lanes;
        var start = network.RowStart[row];
        var end = network.RowStart[row + 1];
        for (var c = start; c < end; c++)
        {
            var k = network.Coefficients[c];
            var at = (c - start) * lanes;
            for (var l = 0; l < lanes; l++)
            {
                var carried = c > start ? k.WordForwardCarry * wordVoltage[at - lanes + l] : 0;
                wordVoltage[at + l] = (k.WordPivotConductance * bitVoltage[(c * lanes) + l]) + carried;
            }
        }

        for (var c = end - 2; c >= start; c--)
        {
            var carry = network.Coefficients[c].WordBackwardCarry;
            var at = (c - start) * lanes;
            for (var l = 0; l < lanes; l++)
            {
                wordVoltage[at + l] += carry * wordVoltage[at + lanes + l];
            }
        }
    }

    /// <summary>Every word node of row <paramref name="row"/> from its conducting cells' voltages: linear from the
    /// driver (1 V on <paramref name="drivenLane"/>, else 0) to the first cell and between cells, flat past the last.</summary>
    private void ExpandWordLine(int row, double[] cellVoltage, int drivenLane, double[] rowVoltage)
    {
        var lanes = Lanes;
        var start = network.RowStart[row];
        var end = network.RowStart[row + 1];
        Span<double> previous = stackalloc double[lanes];
        previous.Clear();
        if (drivenLane >= 0)
        {
            previous[drivenLane] = 1;
        }

        var previousColumn = -1;
        for (var c = start; c <= end; c++)
        {
            var j = c < end ? network.Column[c] : network.Cols;
            for (var between = previousColumn + 1; between < j; between++)
            {
                // Past the last cell the line is open: the gap is flat at the last cell's voltage.
                var fraction = c < end ? (double)(between - previousColumn) / (j - previousColumn) : 0;
                for (var l = 0; l < lanes; l++)
                {
                    var next = c < end ? cellVoltage[((c - start) * lanes) + l] : previous[l];
                    rowVoltage[(between * lanes) + l] = previous[l] + (fraction * (next - previous[l]));
                }
            }

            if (c < end)
            {
                for (var l = 0; l < lanes; l++)
                {
                    previous[l] = cellVoltage[((c - start) * lanes) + l];
                    rowVoltage[(j * lanes) + l] = previous[l];
                }

                previousColumn = j;
            }
        }
    }

    /// <summary>Forward and adjoint bit voltages at node (row, col), from the conducting cells of the bit line around it.</summary>
    private void BitVoltagesAt(int row, int col, int above, int firstInput, double[] gamma, double[] forward, Span<double> forwardBit, Span<double> adjointBit)
    {
        var lanes = Lanes;
        if (above >= 0 && network.CellRow[above] == row)
        {
            forward.AsSpan(above * lanes, lanes).CopyTo(forwardBit);
            voltage.AsSpan(above * lanes, lanes).CopyTo(adjointBit);
            return;
        }

        if (above < 0 && network.FirstInColumn[col] is var first and >= 0)
        {
            // Above the first conducting cell the line is open and flat.
            forward.AsSpan(first * lanes, lanes).CopyTo(forwardBit);
            voltage.AsSpan(first * lanes, lanes).CopyTo(adjointBit);
            return;
        }

        if (above >= 0 && network.Below[above] != above)
        {
            var next = network.Below[above];
            var fraction = (double)(row - network.CellRow[above]) / (network.CellRow[next] - network.CellRow[above]);
            for (var l = 0; l < lanes; l++)
            {
                forwardBit[l] = forward[(above * lanes) + l] + (fraction * (forward[(next * lanes) + l] - forward[(above * lanes) + l]));
                adjointBit[l] = voltage[(above * lanes) + l] + (fraction * (voltage[(next * lanes) + l] - voltage[(above * lanes) + l]));
            }

            return;
        }

        // Below the last conducting cell (or on a bit line without one): straight to 0 V (forward) or γ (adjoint) at row
        // `rows`, one segment past the last node.
        var rows = network.Rows;
        var toSense = above >= 0 ? (double)(row - network.CellRow[above]) / (rows - network.CellRow[above]) : 1;
        for (var l = 0; l < lanes; l++)
        {
            var input = firstInput + l;
            var senseSide = input < rows ? gamma[(input * network.Cols) + col] : 0;
            var forwardAbove = above >= 0 ? forward[(above * lanes) + l] : 0;
            var adjointAbove = above >= 0 ? voltage[(above * lanes) + l] : 0;
            forwardBit[l] = forwardAbove * (1 - toSense);
            adjointBit[l] = adjointAbove + (toSense * (senseSide - adjointAbove));
        }
    }
}
