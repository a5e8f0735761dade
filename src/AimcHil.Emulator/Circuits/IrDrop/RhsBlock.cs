// One piece: the forward solve, the adjoint solve of the gradient and their per-lane stopping rules all run on the same
// dozen lane-major vectors, which this block owns and reuses between calls; splitting it would hand those vectors from
// object to object on every sweep.

using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AimcHil.Emulator.Circuits;

/// <summary>Conjugate-gradient state for one block of unit inputs, one lane per input, vectorized across lanes.</summary>
/// <remarks>Vectors are laid out node-major, lane-minor: element (node, lane) is at node·lanes + lane.</remarks>
internal sealed class RhsBlock
{
    /// <summary>Fraction of an input's largest output below which outputs need only absolute accuracy (below a 20-bit ADC's LSB).</summary>
    private const double OutputFloor = 1e-6;

    private readonly FactoredTile tile;
    private readonly int lanes;
    private readonly int vectorsPerNode;
    private readonly double[] rhs;
    private readonly double[] solution;
    private readonly double[] residual;
    private readonly double[] preconditioned;
    private readonly double[] direction;
    private readonly double[] product;
    private readonly double[] wordScratch;
    private readonly double[] step;
    private readonly double[] turn;
    private readonly double[] curvature;
    private readonly double[] energy;
    private readonly double[] previousEnergy;
    private readonly double[] driveEnergy;
    private readonly double[] bestTrueResidual;
    private readonly bool[] active;

    public RhsBlock(FactoredTile tile, int lanes)
    {
        this.tile = tile;
        this.lanes = lanes;
        vectorsPerNode = lanes / Vector<double>.Count;
        var length = tile.Rows * tile.Cols * lanes;
        rhs = new double[length];
        solution = new double[length];
        residual = new double[length];
        preconditioned = new double[length];
        direction = new double[length];
        product = new double[length];
        wordScratch = new double[tile.Cols * lanes];
        step = new double[lanes];
        turn = new double[lanes];
        curvature = new double[lanes];
        energy = new double[lanes];
        previousEnergy = new double[lanes];
        driveEnergy = new double[lanes];
        bestTrueResidual = new double[lanes];
        active = new bool[lanes];
    }

    /// <summary>Elements in each lane-major vector (rows·cols·lanes).</summary>
    public int Length => solution.Length;

    /// <summary>Sweeps of every solve so far, for the flop count.</summary>
    public long SweepsRun { get; private set; }

    /// <summary>Solves inputs firstInput.. of this block into <paramref name="effective"/>; returns why it failed, or null.</summary>
    public SolveFailure? Solve(int firstInput, double tolerance, int maxSweeps, double[] effective)
    {
        LoadUnitDrives(firstInput);
        var failure = SolveLoaded(tolerance, maxSweeps);
        if (failure is null)
        {
            StoreOutputs(firstInput, effective);
        }

        return failure;
    }

    /// <summary>Adds this block's inputs' share of dL/dG to <paramref name="gradient"/>; returns why it failed, or null.</summary>
    /// <remarks>
    /// For input k the forward solve gives the bit voltages w_k and the adjoint solve, driven by γ[k,j]/r_b into sense
    /// node j, gives λ_w; the word voltages follow exactly from the word ladders, u_k = T⁻¹(s_k + G∘w_k) and
    /// λ_u = T⁻¹(G∘λ_w), one row at a time so only the bit voltages are held for the whole block.
    /// </remarks>
    public SolveFailure? AccumulateGradient(int firstInput, double[] gamma, double tolerance, int maxSweeps, double[] forward, double[] gradient)
    {
        var rows = tile.Rows;
        var cols = tile.Cols;
        LoadUnitDrives(firstInput);
        var failure = SolveLoaded(tolerance, maxSweeps);
        if (failure is not null)
        {
            return failure;
        }

        solution.CopyTo(forward, 0);
        Array.Clear(rhs);
        var lastRow = (rows - 1) * cols;
        for (var lane = 0; lane < lanes && firstInput + lane < rows; lane++)
        {
            var input = firstInput + lane;
            for (var j = 0; j < cols; j++)
            {
                rhs[((lastRow + j) * lanes) + lane] = tile.BitSiemens * gamma[(input * cols) + j];
            }
        }

        failure = SolveLoaded(tolerance, maxSweeps);
        if (failure is not null)
        {
            return failure;
        }

        var rowLength = cols * lanes;
        var forwardWord = new double[rowLength];
        var adjointWord = new double[rowLength];
        for (var i = 0; i < rows; i++)
        {
            var rowStart = i * rowLength;
            WordLadderResponse(i, forward.AsSpan(rowStart, rowLength), forwardWord);
            WordLadderResponse(i, solution.AsSpan(rowStart, rowLength), adjointWord);
            if (i >= firstInput && i - firstInput < lanes)
            {
                // Only input i drives word line i, and its source response is the same ladder solve with w = 0.
                var lane = i - firstInput;
                for (var j = 0; j < cols; j++)
                {
                    forwardWord[(j * lanes) + lane] += tile.WordDriveResponse[(i * cols) + j];
                }
            }

            for (var j = 0; j < cols; j++)
            {
                var at = j * lanes;
                var sum = 0.0;
                for (var lane = 0; lane < lanes; lane++)
                {
                    sum += (adjointWord[at + lane] - solution[rowStart + at + lane]) * (forwardWord[at + lane] - forward[rowStart + at + lane]);
                }

                gradient[(i * cols) + j] -= sum;
            }
        }

        return null;
    }

    /// <summary>T_i⁻¹(G_i∘w) for word line i with its driver at 0 V, every lane at once.</summary>
    private void WordLadderResponse(int row, ReadOnlySpan<double> bitVoltages, Span<double> wordVoltages)
    {
        var cols = tile.Cols;
        var rowNode = row * cols;
        for (var j = 0; j < cols; j++)
        {
            var pg = tile.WordPivotConductance[rowNode + j];
            var carry = j > 0 ? tile.WordCarry[rowNode + j] : 0;
            var at = j * lanes;
            var previous = j > 0 ? at - lanes : at;
            for (var lane = 0; lane < lanes; lane++)
            {
                wordVoltages[at + lane] = (pg * bitVoltages[at + lane]) + (carry * wordVoltages[previous + lane]);
            }
        }

        for (var j = cols - 2; j >= 0; j--)
        {
            var carry = tile.WordCarry[rowNode + j];
            var at = j * lanes;
            for (var lane = 0; lane < lanes; lane++)
            {
                wordVoltages[at + lane] += carry * wordVoltages[at + lanes + lane];
            }
        }
    }

    /// <summary>rhs ← the Schur drives of unit inputs firstInput.. (zero on padding lanes past the last row).</summary>
    private void LoadUnitDrives(int firstInput)
    {
        Array.Clear(rhs);
        var cols = tile.Cols;
        for (var lane = 0; lane < lanes && firstInput + lane < tile.Rows; lane++)
        {
            var input = firstInput + lane;
            for (var j = 0; j < cols; j++)
            {
                var node = (input * cols) + j;
                rhs[(node * lanes) + lane] = tile.Drive[node];
            }
        }
    }

    /// <summary>Solves S·x = rhs for every lane into <see cref="solution"/>; returns why it failed, or null.</summary>
    private SolveFailure? SolveLoaded(double tolerance, int maxSweeps)
    {
        // p is cleared too because β = 0 still multiplies it, and 0·NaN from a failed earlier block would survive.
        Array.Clear(solution);
        Array.Clear(direction);
        Array.Clear(turn);
        LoadDrive(residual, negate: null);
        AdvanceAndPrecondition(energy, advance: false);
        energy.CopyTo(driveEnergy, 0);
        for (var lane = 0; lane < lanes; lane++)
        {
            // A padding lane, or a row with no conductive device, has b = 0 and the exact answer x = 0.
            active[lane] = driveEnergy[lane] > 0;
            bestTrueResidual[lane] = double.PositiveInfinity;
        }

        var sweeps = 0;
        while (true)
        {
            while (Array.IndexOf(active, true) >= 0)
            {
                if (sweeps == maxSweeps)
                {
                    return new SolveFailure(SolveFailure.Limit.SweepLimit, WorstResidual(energy), sweeps);
                }

                sweeps++;
                SweepsRun++;
                UpdateDirectionAndApplySchur(preconditioned, updateDirection: true, direction, product, curvature);
                for (var lane = 0; lane < lanes; lane++)
                {
                    if (active[lane] && !(curvature[lane] > 0))
                    {
                        return new SolveFailure(SolveFailure.Limit.LostDefiniteness, curvature[lane], sweeps);
                    }

                    step[lane] = active[lane] ? energy[lane] / curvature[lane] : 0;
                }

                energy.CopyTo(previousEnergy, 0);
                AdvanceAndPrecondition(energy, advance: true);
                for (var lane = 0; lane < lanes; lane++)
                {
                    if (!active[lane])
                    {
                        turn[lane] = 0;
                        continue;
                    }

                    turn[lane] = energy[lane] / previousEnergy[lane];
                    if (Misfit(lane, energy) < tolerance)
                    {
                        active[lane] = false;
                        turn[lane] = 0;
                    }
                }
            }

            // The recursively updated residual drifts from b − S·x in floating point, so KCL is re-checked on x.
            UpdateDirectionAndApplySchur(solution, updateDirection: false, direction, product, curvature);
            LoadDrive(residual, negate: product);
            AdvanceAndPrecondition(energy, advance: false);
            var restart = false;
            for (var lane = 0; lane < lanes; lane++)
            {
                if (!(driveEnergy[lane] > 0))
                {
                    continue;
                }

                var trueResidual = Misfit(lane, energy);
                if (trueResidual < tolerance)
                {
                    continue;
                }

                if (!(trueResidual < 0.5 * bestTrueResidual[lane]))
                {
                    return new SolveFailure(SolveFailure.Limit.Stalled, trueResidual, sweeps);
                }

                bestTrueResidual[lane] = trueResidual;
                active[lane] = true;
                restart = true;
            }

            if (!restart)
            {
                break;
            }

            // Restarted lanes begin again along their preconditioned true residual.
            Array.Clear(turn);
        }

        return null;
    }

    /// <summary>The larger of the norm-wise relative KCL residual and the worst relative correction at a sense node.</summary>
    /// <remarks>
    /// The norm-wise residual alone leaves a small output (a weak cell among strong ones) with a relative error
    /// up to the conductance spread times the tolerance, so each sense node's voltage is also held to it: the
    /// correction z = B⁻¹r estimates the remaining error to within ρ²/(1 − ρ²) because B⁻¹S is that close to I.
    /// Outputs below <see cref="OutputFloor"/> of the input's largest are held to that floor instead, so the
    /// floating-point limit of a pure sneak output (a zero-conductance cell) cannot stall the solve.
    /// </remarks>
    private double Misfit(int lane, double[] residualEnergy)
    {
        var last = (tile.Rows - 1) * tile.Cols;
        var largest = 0.0;
        for (var j = 0; j < tile.Cols; j++)
        {
            largest = Math.Max(largest, Math.Abs(solution[((last + j) * lanes) + lane]));
        }

        var misfit = RelativeResidual(lane, residualEnergy);
        for (var j = 0; j < tile.Cols; j++)
        {
            var at = ((last + j) * lanes) + lane;
            var scale = Math.Max(Math.Abs(solution[at]), OutputFloor * largest);
            if (scale > 0)
            {
                misfit = Math.Max(misfit, Math.Abs(preconditioned[at]) / scale);
            }
        }

        return misfit;
    }

    private double RelativeResidual(int lane, double[] residualEnergy) =>
        Math.Sqrt(Math.Max(residualEnergy[lane], 0) / driveEnergy[lane]);

    private double WorstResidual(double[] residualEnergy)
    {
        var worst = 0.0;
        for (var lane = 0; lane < lanes; lane++)
        {
            if (active[lane])
            {
                worst = Math.Max(worst, Misfit(lane, residualEnergy));
            }
        }

        return worst;
    }

    /// <summary>target = b (negate null) or target = b − negate, b being the loaded right-hand side.</summary>
    private void LoadDrive(double[] target, double[]? negate)
    {
        if (negate is null)
        {
            rhs.CopyTo(target, 0);
        }
        else
        {
            TensorPrimitives.Subtract(rhs, negate, target);
        }
    }

    /// <summary>p ← z + β∘p, then q ← S·p = B·p − G∘T⁻¹(G∘p) and curvature ← pᵀq, one row at a time.</summary>
    /// <remarks>
    /// Without <paramref name="updateDirection"/> it computes q ← S·source and leaves p alone (the true-residual check).
    /// Row i+1 of p is updated before row i of q is formed, since B couples each row to the next. The kernels go
    /// through refs because bounds checks on the lane-minor layout cost more than their arithmetic; every index
    /// stays inside rows·cols·lanes by construction of the loops.
    /// </remarks>
    private void UpdateDirectionAndApplySchur(double[] source, bool updateDirection, double[] p, double[] q, double[] pq)
    {
        var rows = tile.Rows;
        var cols = tile.Cols;
        var vpn = vectorsPerNode;
        var rowVectors = cols * vpn;
        ref var z = ref AsLanes(source);
        ref var dir = ref updateDirection ? ref AsLanes(p) : ref z;
        ref var prod = ref AsLanes(q);
        ref var scratch = ref AsLanes(wordScratch);
        ref var beta = ref AsLanes(turn);
        ref var pivotG = ref MemoryMarshal.GetArrayDataReference(tile.WordPivotConductance);
        ref var wordCarry = ref MemoryMarshal.GetArrayDataReference(tile.WordCarry);
        ref var diagonal = ref MemoryMarshal.GetArrayDataReference(tile.BitDiagonal);
        ref var g = ref MemoryMarshal.GetArrayDataReference(tile.Conductance);
        var bitSiemens = tile.BitSiemens;
        Span<Vector<double>> accumulator = stackalloc Vector<double>[vpn];
        accumulator.Clear();

        for (var i = -1; i < rows; i++)
        {
            if (updateDirection && i + 1 < rows)
            {
                var start = (i + 1) * rowVectors;
                for (var n = start; n < start + rowVectors; n += vpn)
                {
                    for (var v = 0; v < vpn; v++)
                    {
                        ref var d = ref Unsafe.Add(ref dir, n + v);
                        d = Unsafe.Add(ref z, n + v) + (Unsafe.Add(ref beta, v) * d);
                    }
                }
            }

            if (i < 0)
            {
                continue;
            }

            var rowNode = i * cols;
            var rowStart = i * rowVectors;

            // Word ladder i with the bit-node voltages as sources: t = T_i⁻¹(G_i∘p_i).
            for (var j = 0; j < cols; j++)
            {
                var pg = Unsafe.Add(ref pivotG, rowNode + j);
                var carry = j > 0 ? Unsafe.Add(ref wordCarry, rowNode + j) : 0;
                var at = j * vpn;
                var previous = j > 0 ? at - vpn : at;
                for (var v = 0; v < vpn; v++)
                {
                    Unsafe.Add(ref scratch, at + v) = (pg * Unsafe.Add(ref dir, rowStart + at + v))
                        + (carry * Unsafe.Add(ref scratch, previous + v));
                }
            }

            for (var j = cols - 2; j >= 0; j--)
            {
                var carry = Unsafe.Add(ref wordCarry, rowNode + j);
                var at = j * vpn;
                for (var v = 0; v < vpn; v++)
                {
                    Unsafe.Add(ref scratch, at + v) += carry * Unsafe.Add(ref scratch, at + vpn + v);
                }
            }

            // A missing neighbour (open top, or the sense node at 0 V below the last row) reads its own node with
            // weight 0, which keeps the inner loop branch-free.
            var aboveSiemens = i > 0 ? bitSiemens : 0;
            var aboveOffset = i > 0 ? -rowVectors : 0;
            var belowSiemens = i + 1 < rows ? bitSiemens : 0;
            var belowOffset = i + 1 < rows ? rowVectors : 0;
            for (var j = 0; j < cols; j++)
            {
                var d = Unsafe.Add(ref diagonal, rowNode + j);
                var gij = Unsafe.Add(ref g, rowNode + j);
                var at = rowStart + (j * vpn);
                for (var v = 0; v < vpn; v++)
                {
                    var pv = Unsafe.Add(ref dir, at + v);
                    var qv = (d * pv)
                        - (aboveSiemens * Unsafe.Add(ref dir, at + aboveOffset + v))
                        - (belowSiemens * Unsafe.Add(ref dir, at + belowOffset + v))
                        - (gij * Unsafe.Add(ref scratch, (j * vpn) + v));
                    Unsafe.Add(ref prod, at + v) = qv;
                    accumulator[v] += pv * qv;
                }
            }
        }

        accumulator.CopyTo(MemoryMarshal.Cast<double, Vector<double>>(pq.AsSpan()));
    }

    /// <summary>x ← x + α∘p, r ← r − α∘q (only if <paramref name="advance"/>), then z ← B⁻¹r and energy ← rᵀz.</summary>
    private void AdvanceAndPrecondition(double[] rz, bool advance)
    {
        var rows = tile.Rows;
        var cols = tile.Cols;
        var vpn = vectorsPerNode;
        var rowVectors = cols * vpn;
        ref var x = ref AsLanes(solution);
        ref var r = ref AsLanes(residual);
        ref var z = ref AsLanes(preconditioned);
        ref var p = ref AsLanes(direction);
        ref var q = ref AsLanes(product);
        ref var alpha = ref AsLanes(step);
        ref var pivot = ref MemoryMarshal.GetArrayDataReference(tile.BitPivot);
        ref var carry = ref MemoryMarshal.GetArrayDataReference(tile.BitCarry);

        // Forward elimination of every bit ladder at once, fused with the update that produces r.
        for (var i = 0; i < rows; i++)
        {
            var rowNode = i * cols;
            var aboveOffset = i > 0 ? -rowVectors : 0;
            for (var j = 0; j < cols; j++)
            {
                var m = Unsafe.Add(ref pivot, rowNode + j);
                var e = i > 0 ? Unsafe.Add(ref carry, rowNode + j) : 0;
                var at = (rowNode + j) * vpn;
                if (advance)
                {
                    for (var v = 0; v < vpn; v++)
                    {
                        var a = Unsafe.Add(ref alpha, v);
                        Unsafe.Add(ref x, at + v) += a * Unsafe.Add(ref p, at + v);
                        Unsafe.Add(ref r, at + v) -= a * Unsafe.Add(ref q, at + v);
                    }
                }

                for (var v = 0; v < vpn; v++)
                {
                    Unsafe.Add(ref z, at + v) = (m * Unsafe.Add(ref r, at + v)) + (e * Unsafe.Add(ref z, at + aboveOffset + v));
                }
            }
        }

        Span<Vector<double>> accumulator = stackalloc Vector<double>[vpn];
        accumulator.Clear();
        for (var i = rows - 1; i >= 0; i--)
        {
            var rowNode = i * cols;
            var hasBelow = i + 1 < rows;
            var belowOffset = hasBelow ? rowVectors : 0;
            for (var j = 0; j < cols; j++)
            {
                var e = hasBelow ? Unsafe.Add(ref carry, rowNode + j) : 0;
                var at = (rowNode + j) * vpn;
                for (var v = 0; v < vpn; v++)
                {
                    ref var zv = ref Unsafe.Add(ref z, at + v);
                    zv += e * Unsafe.Add(ref z, at + belowOffset + v);
                    accumulator[v] += Unsafe.Add(ref r, at + v) * zv;
                }
            }
        }

        accumulator.CopyTo(MemoryMarshal.Cast<double, Vector<double>>(rz.AsSpan()));
    }

    private static ref Vector<double> AsLanes(double[] values) =>
        ref MemoryMarshal.GetReference(MemoryMarshal.Cast<double, Vector<double>>(values.AsSpan()));

    /// <summary>I_j = W[rows−1,j]/r_b: the current through the last bit-line segment into the sense node.</summary>
    private void StoreOutputs(int firstInput, double[] effective)
    {
        var rows = tile.Rows;
        var cols = tile.Cols;
        for (var lane = 0; lane < lanes; lane++)
        {
            var input = firstInput + lane;
            if (input >= rows)
            {
                break;
            }

            for (var j = 0; j < cols; j++)
            {
                var node = ((rows - 1) * cols) + j;
                effective[(input * cols) + j] = tile.BitSiemens * solution[(node * lanes) + lane];
            }
        }
    }
}
