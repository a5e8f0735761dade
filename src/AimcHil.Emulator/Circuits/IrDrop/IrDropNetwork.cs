using System.Numerics.Tensors;
using NodalMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace AimcHil.Emulator.Circuits;

/// <summary>Effective conductance matrix of a crossbar tile whose word and bit lines have wire resistance (IR drop).</summary>
/// <remarks>
/// Geometry: word line i is driven by an ideal source at its left end through one segment r_w, then one r_w between
/// neighbouring cells; bit line j is sensed at its bottom end by a virtual ground through one segment r_b, then one
/// r_b between neighbouring cells. Cell (i,j) joins word node (i,j) to bit node (i,j). With linear devices the sensed
/// currents are I_j = Σ_i Geff[i,j]·V_i, so the network is solved once per programming and every MVM afterwards is a
/// plain matrix product.
/// </remarks>
public static class IrDropNetwork
{
    /// <summary>Largest tile (cells) <see cref="SolveDense"/> accepts: 2·1600 unknowns is already a ~20 GFLOP LU.</summary>
    public const int DenseCellLimit = 1600;

    /// <summary>Floating-point operations per node and input of one conjugate-gradient sweep: direction update 2, word
    /// ladder 3 + 2, Schur product 7, pᵀq 2, solution and residual updates 4, bit preconditioner 3 + 2, rᵀz 2.</summary>
    internal const int ConjugateGradientFlops = 27;

    /// <summary>Floating-point operations per cell of the closed forms with one wire family ideal: factor, solve, scale.</summary>
    private const int LadderOnlyFlops = 12;

    /// <summary>Geff (rows×cols, row-major) of the resistive network, exact to <paramref name="tolerance"/>.</summary>
    /// <remarks>
    /// Method: the word-line node voltages are eliminated exactly (each word line is a tridiagonal ladder with the
    /// bit-line voltages as sources), leaving the symmetric positive definite Schur system S·W = b on the bit-line node
    /// voltages, S = B − G·T⁻¹·G. Cells at 0 S drop out first, exactly (<see cref="ConductingCellNetwork"/>: their
    /// nodes are junctions of series segments), which halves a differential-pair tile. The system is then solved by
    /// line relaxation (<see cref="LineRelaxation"/>): each sweep solves every word ladder, then every bit ladder,
    /// w ← w + B⁻¹(b − S·w), for a block of 2·Vector&lt;double&gt;.Count unit inputs at once, vectorized across the block,
    /// the blocks spread over the cores. A sweep contracts the error by ρ², the spectral radius of B⁻¹G·T⁻¹G, which is
    /// small for real wires (ρ² ≈ 0.008 on fmnist-hil-1: 6 sweeps to 1e-8). Where it is not (G·r near 1 per cell),
    /// a block whose corrections shrink by less than <see cref="LineRelaxation.SlowContraction"/> per sweep goes to
    /// conjugate gradients on the full tile, preconditioned with the bit ladders, which contract by (√κ − 1)/(√κ + 1)
    /// with κ = 1/(1 − ρ²) per sweep at about four times a relaxation sweep's cost (measured: 9.5 against 2.5 ms per
    /// block sweep at 256×512). <paramref name="maxSweeps"/> bounds each block's relaxation sweeps, and again its
    /// conjugate-gradient sweeps.
    /// <para>
    /// Measured on this project's machine (2-core AMD EPYC Zen 4 VM with AVX-512, shared with other builds: load
    /// average 7) on the fmnist-hil-1 tile (256 rows × 256 weights as differential pairs, 25 µS, 0.3 Ω, tolerance
    /// 1e-8), medians of 7 interleaved runs: the conjugate gradients this replaced took 1.08 s wall (1.22 s CPU) per
    /// solve and 2.18 s (2.49 s CPU) per VJP; relaxation takes 0.146 s (0.15 s CPU) and 0.42 s (0.45 s CPU); single-
    /// threaded 1.17 s against 0.155 s and 2.40 s against 0.39 s; at load average 11, 2.41 s against 0.56 s wall. The
    /// results agree to 2.8e-10 relative, and relaxation's is within 3.8e-11 of a 1e-12 solve where the conjugate
    /// gradients' was within 2.6e-10 (the tolerance semantics below bound both). Why relaxation wins: the conjugate
    /// gradients need 4 sweeps but keep six vectors of 8 MB per block, so they stream memory; a relaxation sweep keeps
    /// one vector per input (4 MB per block after the off cells drop out) and stays in the last-level cache, at about
    /// 1.5 ns per conducting cell, input and sweep. Relaxation on the full tile (no drop-out) measured 0.45–0.5 s CPU.
    /// A direct factorization was costed, not built: a banded Cholesky of the nodal matrix (262144 unknowns, bandwidth
    /// 512) is 6.9e10 flops and the block-tridiagonal elimination over columns (512 dense 256×256 inverses and
    /// products) 2.6e10, against 1.6e9 for the relaxation (the solve's own count,
    /// <see cref="IrDropSolveReport.Flops"/>).
    /// </para>
    /// <para>
    /// Convergence is judged on the bit-node KCL residual r (amperes; word-node KCL holds exactly by construction),
    /// through the voltage correction it implies, z = B⁻¹r: overall, √(rᵀz / bᵀB⁻¹b) &lt; tolerance, and at every
    /// sense node, |z| &lt; tolerance·|W| (outputs under 1e-6 of the input's largest are held to that floor instead).
    /// The B⁻¹ weighting is what bounds the voltage error whatever the wire-to-device conductance ratio (a plain 2-norm
    /// of r would not), and the per-node test holds a weak cell among strong ones to the tolerance too. In relaxation
    /// z is exactly the next sweep's correction, measured from the iterate itself every sweep, and the result is the
    /// iterate that met the tolerance plus that correction; the conjugate gradients recompute the residual from the
    /// solution at the end and restart if it fails. Tolerances below about 1e-13 run into the floating-point floor and
    /// are reported as not converging.
    /// </para>
    /// </remarks>
    /// <exception cref="InvalidOperationException">The network did not converge within <paramref name="maxSweeps"/>.</exception>
    public static double[] EffectiveConductance(
        ReadOnlySpan<double> conductanceSiemens,
        int rows,
        int cols,
        double wordSegmentOhm,
        double bitSegmentOhm,
        double tolerance = 1e-10,
        int maxSweeps = 10000) =>
        EffectiveConductance(conductanceSiemens, rows, cols, wordSegmentOhm, bitSegmentOhm, out _, tolerance, maxSweeps);

    /// <summary><see cref="EffectiveConductance(ReadOnlySpan{double}, int, int, double, double, double, int)"/>, also
    /// reporting the method, sweeps and floating-point operations of the solve (for benchmarks).</summary>
    /// <exception cref="InvalidOperationException">The network did not converge within <paramref name="maxSweeps"/>.</exception>
    public static double[] EffectiveConductance(
        ReadOnlySpan<double> conductanceSiemens,
        int rows,
        int cols,
        double wordSegmentOhm,
        double bitSegmentOhm,
        out IrDropSolveReport report,
        double tolerance = 1e-10,
        int maxSweeps = 10000)
    {
        ValidateTile(conductanceSiemens, rows, cols);
        ValidateSegment(wordSegmentOhm, nameof(wordSegmentOhm));
        ValidateSegment(bitSegmentOhm, nameof(bitSegmentOhm));
        ValidateIteration(tolerance, maxSweeps);

        if (wordSegmentOhm == 0 && bitSegmentOhm == 0)
        {
            report = ClosedFormReport("ideal wires (Geff = G)", conductanceSiemens, rows, 0);
            return conductanceSiemens.ToArray();
        }

        var g = conductanceSiemens.ToArray();

        // With one family of wires ideal, the other family's lines decouple and each is one exact ladder solve.
        if (wordSegmentOhm == 0 || bitSegmentOhm == 0)
        {
            report = ClosedFormReport("one ladder solve per line", g, rows, LadderOnlyFlops);
            return wordSegmentOhm == 0 ? BitLadderOnly(g, rows, cols, 1 / bitSegmentOhm) : WordLadderOnly(g, rows, cols, 1 / wordSegmentOhm);
        }

        return RelaxedEffectiveConductance(g, rows, cols, wordSegmentOhm, bitSegmentOhm, tolerance, maxSweeps, out report);
    }

    /// <summary>dL/dG (rows×cols) for a loss L whose gradient with respect to Geff is <paramref name="geffGradient"/>.</summary>
    /// <remarks>
    /// Exact by the adjoint method, not by differencing: the full nodal system A(G)·x_k = b_k for unit input k has
    /// x_k = (word voltages u_k, bit voltages w_k), and Geff[k,j] = w_k[rows−1,j]/r_b is a functional of the bit
    /// voltages alone, so L = Σ_k c_kᵀx_k with c_k = (0, Σ_j γ[k,j]/r_b·e_sense(j)). The drive b_k does not depend on G,
    /// and cell (m,n) enters A only as the stamp (e_u − e_w)(e_u − e_w)ᵀ, hence with A·λ_k = c_k (A is symmetric)
    /// dL/dG[m,n] = −Σ_k (λ_k[u_mn] − λ_k[w_mn])·(u_k[mn] − w_k[mn]). Both systems are reduced to the same Schur system
    /// on the conducting cells the forward solve uses (the adjoint's word voltages being T⁻¹(G∘λ_w)) and solved by the
    /// same line relaxation, or conjugate-gradient fallback, block by block of inputs, so memory stays
    /// O(lanes·rows·cols); the gradient at off cells comes from the series wires' straight-line voltages
    /// (<see cref="ConductingCellGradient"/>). It costs about three forward solves (the forward system finished on
    /// every cell, the adjoint system, the gradient at every cell: 0.42 s against 0.146 s, see
    /// <see cref="EffectiveConductance(ReadOnlySpan{double}, int, int, double, double, double, int)"/>). With one family
    /// of wires ideal it reduces to one ladder solve per line, and with both ideal Geff = G, so the product is the identity.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The forward or adjoint network did not converge within <paramref name="maxSweeps"/>.</exception>
    public static double[] EffectiveConductanceVjp(
        ReadOnlySpan<double> conductanceSiemens,
        int rows,
        int cols,
        double wordSegmentOhm,
        double bitSegmentOhm,
        ReadOnlySpan<double> geffGradient,
        double tolerance = 1e-10,
        int maxSweeps = 10000) =>
        EffectiveConductanceVjp(conductanceSiemens, rows, cols, wordSegmentOhm, bitSegmentOhm, geffGradient, out _, tolerance, maxSweeps);

    /// <summary><see cref="EffectiveConductanceVjp(ReadOnlySpan{double}, int, int, double, double, ReadOnlySpan{double}, double, int)"/>,
    /// also reporting the method, sweeps and floating-point operations of the forward and adjoint solves together.</summary>
    /// <exception cref="InvalidOperationException">The forward or adjoint network did not converge within <paramref name="maxSweeps"/>.</exception>
    public static double[] EffectiveConductanceVjp(
        ReadOnlySpan<double> conductanceSiemens,
        int rows,
        int cols,
        double wordSegmentOhm,
        double bitSegmentOhm,
        ReadOnlySpan<double> geffGradient,
        out IrDropSolveReport report,
        double tolerance = 1e-10,
        int maxSweeps = 10000)
    {
        ValidateTile(conductanceSiemens, rows, cols);
        ValidateSegment(wordSegmentOhm, nameof(wordSegmentOhm));
        ValidateSegment(bitSegmentOhm, nameof(bitSegmentOhm));
        if (geffGradient.Length != conductanceSiemens.Length)
        {
            throw new ArgumentException(
                $"Expected {rows}×{cols} = {conductanceSiemens.Length} gradient entries, got {geffGradient.Length}.",
                nameof(geffGradient));
        }

        for (var n = 0; n < geffGradient.Length; n++)
        {
            if (!double.IsFinite(geffGradient[n]))
            {
                throw new ArgumentException($"Gradient entry ({n / cols},{n % cols}) is {geffGradient[n]}.", nameof(geffGradient));
            }
        }

        ValidateIteration(tolerance, maxSweeps);

        if (wordSegmentOhm == 0 && bitSegmentOhm == 0)
        {
            report = ClosedFormReport("ideal wires (Geff = G)", conductanceSiemens, rows, 0);
            return geffGradient.ToArray();
        }

        var g = conductanceSiemens.ToArray();
        var gamma = geffGradient.ToArray();
        if (wordSegmentOhm == 0 || bitSegmentOhm == 0)
        {
            report = ClosedFormReport("one ladder solve per line", g, rows, 2 * LadderOnlyFlops);
            return wordSegmentOhm == 0
                ? SingleLadderVjp(g, gamma, Ladder.BitLines(g, rows, cols, 1 / bitSegmentOhm, out _), atFirstNode: false)
                : SingleLadderVjp(g, gamma, Ladder.WordLines(g, rows, cols, 1 / wordSegmentOhm), atFirstNode: true);
        }

        return RelaxedVjp(g, rows, cols, wordSegmentOhm, bitSegmentOhm, gamma, tolerance, maxSweeps, out report);
    }

    /// <summary>Reference Geff by dense LU of the full nodal system (2·rows·cols unknowns); for tests on small tiles.</summary>
    /// <remarks>
    /// Independent of <see cref="EffectiveConductance(ReadOnlySpan{double}, int, int, double, double, double, int)"/> on
    /// purpose: it assembles every node, stamps every segment, and reads the output as the sum of the device currents
    /// into each bit line (KCL at the sense node), not as the voltage across the last bit-line segment. A zero-ohm
    /// segment makes its nodes part of the driver or the ground.
    /// </remarks>
    public static double[] SolveDense(
        ReadOnlySpan<double> conductanceSiemens,
        int rows,
        int cols,
        double wordSegmentOhm,
        double bitSegmentOhm)
    {
        ValidateTile(conductanceSiemens, rows, cols);
        ValidateSegment(wordSegmentOhm, nameof(wordSegmentOhm));
        ValidateSegment(bitSegmentOhm, nameof(bitSegmentOhm));
        if ((long)rows * cols > DenseCellLimit)
        {
            throw new ArgumentException(
                $"SolveDense is a small-tile reference (at most {DenseCellLimit} cells); {rows}×{cols} needs EffectiveConductance.",
                nameof(conductanceSiemens));
        }

        var nodes = new DenseNodes(rows, cols, wordSegmentOhm == 0, bitSegmentOhm == 0);
        if (nodes.FreeCount == 0)
        {
            // Every node is a driver or the ground, so each device sees exactly its own input.
            return conductanceSiemens.ToArray();
        }

        var matrix = NodalMatrix.Build.Dense(nodes.FreeCount, nodes.FreeCount);
        var drive = NodalMatrix.Build.Dense(nodes.FreeCount, rows);

        void Stamp(int a, int b, double conductance)
        {
            StampEnd(a, b, conductance);
            StampEnd(b, a, conductance);
        }

        void StampEnd(int at, int other, double conductance)
        {
            var row = nodes.Free(at);
            if (row < 0)
            {
                return;
            }

            matrix[row, row] += conductance;
            var column = nodes.Free(other);
            if (column >= 0)
            {
                matrix[row, column] -= conductance;
            }
            else if (nodes.DriverRow(other) is var driven and >= 0)
            {
                // The driver of row i sits at 1 V exactly for input i and at 0 V otherwise.
                drive[row, driven] += conductance;
            }
        }

        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                Stamp(nodes.Word(i, j), nodes.Bit(i, j), conductanceSiemens[(i * cols) + j]);
            }
        }

        if (wordSegmentOhm > 0)
        {
            for (var i = 0; i < rows; i++)
            {
                Stamp(nodes.Driver(i), nodes.Word(i, 0), 1 / wordSegmentOhm);
                for (var j = 0; j + 1 < cols; j++)
                {
                    Stamp(nodes.Word(i, j), nodes.Word(i, j + 1), 1 / wordSegmentOhm);
                }
            }
        }

        if (bitSegmentOhm > 0)
        {
            for (var j = 0; j < cols; j++)
            {
                for (var i = 0; i + 1 < rows; i++)
                {
                    Stamp(nodes.Bit(i, j), nodes.Bit(i + 1, j), 1 / bitSegmentOhm);
                }

                Stamp(nodes.Bit(rows - 1, j), DenseNodes.Ground, 1 / bitSegmentOhm);
            }
        }

        var voltage = matrix.LU().Solve(drive);

        double Potential(int node, int input)
        {
            var free = nodes.Free(node);
            return free >= 0 ? voltage[free, input] : nodes.DriverRow(node) == input ? 1.0 : 0.0;
        }

        var effective = new double[rows * cols];
        for (var input = 0; input < rows; input++)
        {
            for (var j = 0; j < cols; j++)
            {
                var current = 0.0;
                for (var i = 0; i < rows; i++)
                {
                    current += conductanceSiemens[(i * cols) + j] * (Potential(nodes.Word(i, j), input) - Potential(nodes.Bit(i, j), input));
                }

                effective[(input * cols) + j] = current;
            }
        }

        return effective;
    }

    internal static void ValidateTile(ReadOnlySpan<double> conductanceSiemens, int rows, int cols)
    {
        if (rows < 1 || cols < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"A tile needs at least one row and one column, got {rows}×{cols}.");
        }

        if (conductanceSiemens.Length != (long)rows * cols)
        {
            throw new ArgumentException(
                $"Expected {rows}×{cols} = {(long)rows * cols} conductances, got {conductanceSiemens.Length}.",
                nameof(conductanceSiemens));
        }

        for (var n = 0; n < conductanceSiemens.Length; n++)
        {
            if (!(conductanceSiemens[n] >= 0) || double.IsInfinity(conductanceSiemens[n]))
            {
                throw new ArgumentException(
                    $"Conductance of cell ({n / cols},{n % cols}) is {conductanceSiemens[n]} S; a passive device needs a finite value ≥ 0.",
                    nameof(conductanceSiemens));
            }
        }
    }

    /// <summary>The report of a closed form: no sweeps, <paramref name="flopsPerCell"/> for every cell.</summary>
    private static IrDropSolveReport ClosedFormReport(string method, ReadOnlySpan<double> conductanceSiemens, int rows, int flopsPerCell)
    {
        var conducting = 0;
        foreach (var g in conductanceSiemens)
        {
            conducting += g > 0 ? 1 : 0;
        }

        return new IrDropSolveReport(method, rows, conducting, 0, 0, 0, 0, flopsPerCell * (double)conductanceSiemens.Length);
    }

    private static void ValidateIteration(double tolerance, int maxSweeps)
    {
        if (!(tolerance > 0) || double.IsInfinity(tolerance))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "Tolerance must be positive and finite.");
        }

        if (maxSweeps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSweeps), maxSweeps, "At least one sweep is needed.");
        }
    }

    private static void ValidateSegment(double segmentOhm, string name)
    {
        if (!(segmentOhm >= 0) || double.IsInfinity(segmentOhm) || (segmentOhm > 0 && double.IsInfinity(1 / segmentOhm)))
        {
            throw new ArgumentOutOfRangeException(name, segmentOhm, "A wire segment needs a finite resistance ≥ 0 Ω.");
        }
    }

    /// <summary>Geff by <see cref="LineRelaxation"/> on the conducting cells, block by block of inputs on every core.</summary>
    private static double[] RelaxedEffectiveConductance(
        double[] g, int rows, int cols, double wordSegmentOhm, double bitSegmentOhm, double tolerance, int maxSweeps, out IrDropSolveReport report)
    {
        var run = new RelaxationRun(g, rows, cols, wordSegmentOhm, bitSegmentOhm);
        var effective = new double[rows * cols];
        run.ForEachBlock(
            () => new LineRelaxation(run.Network),
            (first, relaxation) => run.Settle(
                relaxation.SolveUnitInputs(first, tolerance, maxSweeps, wholeTile: false),
                relaxation,
                () => relaxation.StoreOutputs(first, effective),
                solver => solver.Solve(first, tolerance, maxSweeps, effective)),
            relaxation => run.AddPasses(relaxation, gradientPasses: 0));

        report = run.Finish($"The IR-drop network (word-line segment {wordSegmentOhm} Ω, bit-line segment {bitSegmentOhm} Ω, {rows}×{cols} cells)", tolerance);
        return effective;
    }

    /// <summary>dL/dG by forward and adjoint <see cref="LineRelaxation"/> per block of inputs, partial sums per worker.</summary>
    private static double[] RelaxedVjp(
        double[] g, int rows, int cols, double wordSegmentOhm, double bitSegmentOhm, double[] gamma, double tolerance, int maxSweeps, out IrDropSolveReport report)
    {
        var run = new RelaxationRun(g, rows, cols, wordSegmentOhm, bitSegmentOhm);
        var gradient = new double[rows * cols];
        run.ForEachBlock(
            () => new AdjointWorkspace(run.Network),
            (first, workspace) =>
            {
                var relaxation = workspace.Solver;
                var outcome = relaxation.SolveUnitInputs(first, tolerance, maxSweeps, wholeTile: true);
                if (outcome == LineRelaxation.Outcome.Converged)
                {
                    // Settle counts the adjoint's sweeps; the forward system's are counted here.
                    run.AddSweeps(relaxation.Sweeps);
                    relaxation.Voltage.CopyTo(workspace.Forward, 0);
                    outcome = relaxation.SolveSenseAdjoint(first, gamma, tolerance, maxSweeps);
                }

                run.Settle(
                    outcome,
                    relaxation,
                    () => workspace.Assembler.Accumulate(first, gamma, workspace.Forward, relaxation.Voltage, workspace.Gradient),
                    solver => solver.AccumulateGradient(first, gamma, tolerance, maxSweeps, new double[solver.Length], workspace.Gradient));
            },
            workspace =>
            {
                run.AddPasses(workspace.Solver, workspace.Assembler.Passes);
                lock (gradient)
                {
                    TensorPrimitives.Add(gradient, workspace.Gradient, gradient);
                }
            });

        report = run.Finish(
            $"The IR-drop network's forward or adjoint system (word-line segment {wordSegmentOhm} Ω, bit-line segment {bitSegmentOhm} Ω, {rows}×{cols} cells)",
            tolerance);
        return gradient;
    }

    /// <summary>Word nodes tied to their drivers (r_w = 0): input k reaches sense j only along bit line j.</summary>
    private static double[] BitLadderOnly(double[] g, int rows, int cols, double bitSiemens)
    {
        var bit = Ladder.BitLines(g, rows, cols, bitSiemens, out _);

        // By reciprocity I_j for a unit source on row k equals G[k,j] times the voltage at bit node (k,j) when the
        // sense node is raised to 1 V instead, so one ladder solve per bit line serves every input.
        var senseResponse = bit.UnitSourceResponse(atFirstNode: false);
        var effective = new double[g.Length];
        for (var n = 0; n < g.Length; n++)
        {
            effective[n] = g[n] * senseResponse[n];
        }

        return effective;
    }

    /// <summary>Bit nodes tied to the virtual ground (r_b = 0): each device sees its own word node's voltage.</summary>
    private static double[] WordLadderOnly(double[] g, int rows, int cols, double wordSiemens)
    {
        var word = Ladder.WordLines(g, rows, cols, wordSiemens);
        var driveResponse = word.UnitSourceResponse(atFirstNode: true);
        var effective = new double[g.Length];
        for (var n = 0; n < g.Length; n++)
        {
            effective[n] = g[n] * driveResponse[n];
        }

        return effective;
    }

    /// <summary>VJP when only one family of wires is resistive: Geff = G∘s with s the ladders' unit end-source response.</summary>
    /// <remarks>
    /// With ladder matrix M (devices on its diagonal), s = M⁻¹·(end source) and ∂M/∂G[m] = e_m·e_mᵀ give
    /// ∂s/∂G[m] = −M⁻¹e_m·s[m]; M being symmetric, Σ_n γ[n]·G[n]·∂s[n]/∂G[m] = −s[m]·(M⁻¹(G∘γ))[m], so
    /// dL/dG = s∘(γ − M⁻¹(G∘γ)), one extra ladder solve. For bit ladders this is the reciprocity form of Geff.
    /// </remarks>
    private static double[] SingleLadderVjp(double[] g, double[] gamma, Ladder ladder, bool atFirstNode)
    {
        var response = ladder.UnitSourceResponse(atFirstNode);
        var weighted = new double[g.Length];
        for (var n = 0; n < g.Length; n++)
        {
            weighted[n] = g[n] * gamma[n];
        }

        var back = ladder.Solve(weighted);
        var gradient = new double[g.Length];
        for (var n = 0; n < g.Length; n++)
        {
            gradient[n] = response[n] * (gamma[n] - back[n]);
        }

        return gradient;
    }
}
