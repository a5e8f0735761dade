using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    private const int ConjugateGradientFlops = 27;

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

    /// <summary>LU factors (Thomas form) of one family of resistor ladders, each with its cells' devices to ground.</summary>
    /// <remarks>
    /// A ladder of nodes t = 0..n−1 with coupling a between neighbours and diagonal d_t is solved as
    /// y_t = m_t·f_t + e_t·y_{t−1} forward, x_t = y_t + e_t·x_{t+1} backward, with m_t = 1/(d_t − a·e_{t−1}) and
    /// e_t = a·m_t. Both coefficient arrays are stored per node (row-major), so word and bit ladders share one layout.
    /// </remarks>
    private sealed class Ladder
    {
        private Ladder(int nodeCount, double couplingSiemens, int lineCount, int lineStep, int length, int step)
        {
            CouplingSiemens = couplingSiemens;
            LineCount = lineCount;
            LineStep = lineStep;
            Length = length;
            Step = step;
            Pivot = new double[nodeCount];
            Carry = new double[nodeCount];
        }

        public double CouplingSiemens { get; }

        public double[] Pivot { get; }

        public double[] Carry { get; }

        private int LineCount { get; }

        private int LineStep { get; }

        private int Length { get; }

        private int Step { get; }

        /// <summary>Word line i: driver, then nodes j = 0..cols−1; the last node has no right neighbour.</summary>
        public static Ladder WordLines(double[] g, int rows, int cols, double wordSiemens)
        {
            var ladder = new Ladder(g.Length, wordSiemens, rows, cols, cols, 1);
            var diagonal = new double[g.Length];
            for (var i = 0; i < rows; i++)
            {
                for (var j = 0; j < cols; j++)
                {
                    diagonal[(i * cols) + j] = g[(i * cols) + j] + (wordSiemens * (j + 1 < cols ? 2 : 1));
                }
            }

            ladder.Factor(diagonal);
            return ladder;
        }

        /// <summary>Bit line j: nodes i = 0..rows−1 from the open top end down to the sense node below the last.</summary>
        public static Ladder BitLines(double[] g, int rows, int cols, double bitSiemens, out double[] diagonal)
        {
            var ladder = new Ladder(g.Length, bitSiemens, cols, 1, rows, cols);
            diagonal = new double[g.Length];
            for (var i = 0; i < rows; i++)
            {
                for (var j = 0; j < cols; j++)
                {
                    diagonal[(i * cols) + j] = g[(i * cols) + j] + (bitSiemens * (i > 0 ? 2 : 1));
                }
            }

            ladder.Factor(diagonal);
            return ladder;
        }

        /// <summary>Node voltages of every ladder when its end (driver or sense) is at 1 V and its devices' far ends at 0 V.</summary>
        public double[] UnitSourceResponse(bool atFirstNode)
        {
            var voltage = new double[Pivot.Length];
            var source = atFirstNode ? 0 : Length - 1;
            for (var line = 0; line < LineCount; line++)
            {
                var start = line * LineStep;
                var carried = 0.0;
                for (var t = 0; t < Length; t++)
                {
                    var node = start + (t * Step);
                    carried = (t == source ? Pivot[node] * CouplingSiemens : 0) + (Carry[node] * carried);
                    voltage[node] = carried;
                }

                for (var t = Length - 2; t >= 0; t--)
                {
                    var node = start + (t * Step);
                    voltage[node] += Carry[node] * voltage[node + Step];
                }
            }

            return voltage;
        }

        /// <summary>M⁻¹·source for every ladder at once (node currents in, node voltages out).</summary>
        public double[] Solve(double[] source)
        {
            var voltage = new double[Pivot.Length];
            for (var line = 0; line < LineCount; line++)
            {
                var start = line * LineStep;
                var carried = 0.0;
                for (var t = 0; t < Length; t++)
                {
                    var node = start + (t * Step);
                    carried = (Pivot[node] * source[node]) + (Carry[node] * carried);
                    voltage[node] = carried;
                }

                for (var t = Length - 2; t >= 0; t--)
                {
                    var node = start + (t * Step);
                    voltage[node] += Carry[node] * voltage[node + Step];
                }
            }

            return voltage;
        }

        private void Factor(double[] diagonal)
        {
            for (var line = 0; line < LineCount; line++)
            {
                var start = line * LineStep;
                var previousCarry = 0.0;
                for (var t = 0; t < Length; t++)
                {
                    var node = start + (t * Step);
                    var pivot = 1 / (diagonal[node] - (CouplingSiemens * previousCarry));
                    Pivot[node] = pivot;
                    Carry[node] = CouplingSiemens * pivot;
                    previousCarry = Carry[node];
                }
            }
        }
    }

    /// <summary>Everything about one programmed tile that every right-hand side shares: ladder factors and drives.</summary>
    private sealed class FactoredTile
    {
        public FactoredTile(double[] g, int rows, int cols, double wordSegmentOhm, double bitSegmentOhm)
        {
            Rows = rows;
            Cols = cols;
            WordSegmentOhm = wordSegmentOhm;
            BitSegmentOhm = bitSegmentOhm;
            Conductance = g;
            var word = Ladder.WordLines(g, rows, cols, 1 / wordSegmentOhm);
            var bit = Ladder.BitLines(g, rows, cols, 1 / bitSegmentOhm, out var bitDiagonal);
            BitSiemens = 1 / bitSegmentOhm;
            BitDiagonal = bitDiagonal;
            BitPivot = bit.Pivot;
            BitCarry = bit.Carry;
            WordCarry = word.Carry;
            WordPivotConductance = new double[g.Length];
            WordDriveResponse = word.UnitSourceResponse(atFirstNode: true);
            Drive = new double[g.Length];
            for (var n = 0; n < g.Length; n++)
            {
                // The word ladder's right-hand side is always G∘W, so fold G into its forward pivot once.
                WordPivotConductance[n] = word.Pivot[n] * g[n];

                // Unit input on row k: word line k alone carries a source, and b = G∘(T⁻¹·source) on row k only.
                Drive[n] = WordDriveResponse[n] * g[n];
            }
        }

        public int Rows { get; }

        public int Cols { get; }

        public double WordSegmentOhm { get; }

        public double BitSegmentOhm { get; }

        public double BitSiemens { get; }

        public double[] Conductance { get; }

        public double[] BitDiagonal { get; }

        public double[] BitPivot { get; }

        public double[] BitCarry { get; }

        public double[] WordCarry { get; }

        public double[] WordPivotConductance { get; }

        /// <summary>Word-node voltages per volt of input when every bit node is at 0 V (input i on row i).</summary>
        public double[] WordDriveResponse { get; }

        /// <summary>Schur right-hand side of input row i, stored on row i (amperes per volt of input).</summary>
        public double[] Drive { get; }
    }

    /// <summary>One worker's relaxation and gradient assembly, its saved forward bit voltages and its partial sum of dL/dG.</summary>
    private sealed class AdjointWorkspace(ConductingCellNetwork network)
    {
        public LineRelaxation Solver { get; } = new(network);

        public ConductingCellGradient Assembler { get; } = new(network);

        public double[] Forward { get; } = new double[network.CellCount * LineRelaxation.Lanes];

        public double[] Gradient { get; } = new double[network.Rows * network.Cols];
    }

    /// <summary>One parallel relaxation solve of a tile: its conducting-cell network, the conjugate-gradient fallback,
    /// and the sweeps, passes and first failure gathered from the workers.</summary>
    private sealed class RelaxationRun
    {
        private readonly Lazy<FactoredTile> fallback;
        private readonly Lock gate = new();
        private long relaxationSweeps;
        private long relaxationSolves;
        private long eliminationPasses;
        private long substitutionPasses;
        private long gradientPasses;
        private long conjugateGradientSweeps;
        private int fallbackBlocks;
        private string? failure;

        public RelaxationRun(double[] g, int rows, int cols, double wordSegmentOhm, double bitSegmentOhm)
        {
            Network = new ConductingCellNetwork(g, rows, cols, wordSegmentOhm, bitSegmentOhm);
            fallback = new Lazy<FactoredTile>(() => new FactoredTile(g, rows, cols, wordSegmentOhm, bitSegmentOhm));
        }

        public ConductingCellNetwork Network { get; }

        private int Blocks => (Network.Rows + LineRelaxation.Lanes - 1) / LineRelaxation.Lanes;

        /// <summary>Runs <paramref name="solve"/> on every block of inputs (given its first input) across the cores, one worker state per thread.</summary>
        public void ForEachBlock<TWorker>(Func<TWorker> start, Action<int, TWorker> solve, Action<TWorker> finish) =>
            Parallel.For(
                0,
                Blocks,
                new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                start,
                (block, _, worker) =>
                {
                    solve(block * LineRelaxation.Lanes, worker);
                    return worker;
                },
                finish);

        /// <summary>Acts on a block's relaxation outcome: <paramref name="converged"/>, the conjugate gradients on the full
        /// tile when relaxation is slow (returning why they failed, or null), or the failure.</summary>
        public void Settle(LineRelaxation.Outcome outcome, LineRelaxation relaxation, Action converged, Func<RhsBlock, string?> conjugateGradients)
        {
            AddSweeps(relaxation.Sweeps);
            switch (outcome)
            {
                case LineRelaxation.Outcome.Converged:
                    converged();
                    break;
                case LineRelaxation.Outcome.Slow:
                    var solver = new RhsBlock(fallback.Value, LineRelaxation.Lanes);
                    Fail(conjugateGradients(solver));
                    Interlocked.Increment(ref fallbackBlocks);
                    Interlocked.Add(ref conjugateGradientSweeps, solver.SweepsRun);
                    break;
                default:
                    Fail(relaxation.Failure);
                    break;
            }
        }

        public void AddSweeps(int sweeps) => Interlocked.Add(ref relaxationSweeps, sweeps);

        public void AddPasses(LineRelaxation relaxation, long gradientPasses)
        {
            Interlocked.Add(ref relaxationSolves, relaxation.Solves);
            Interlocked.Add(ref eliminationPasses, relaxation.EliminationPasses);
            Interlocked.Add(ref substitutionPasses, relaxation.SubstitutionPasses);
            Interlocked.Add(ref this.gradientPasses, gradientPasses);
        }

        /// <summary>Throws if any block failed, else the report; its flops are each kernel's per-node count times the nodes,
        /// lanes and passes run (the O(cells) factorizations are left out).</summary>
        public IrDropSolveReport Finish(string network, double tolerance)
        {
            if (failure is not null)
            {
                throw new InvalidOperationException($"{network} did not converge to relative KCL residual {tolerance}: {failure}.");
            }

            var cells = (double)Network.Rows * Network.Cols;
            var relaxation = Network.CellCount * (
                (LineRelaxation.EliminationFlops * (double)eliminationPasses)
                - (LineRelaxation.WordLadderFlops * (double)relaxationSolves)
                + (LineRelaxation.SubstitutionFlops * (double)substitutionPasses));
            var flops = LineRelaxation.Lanes * (relaxation + (cells * ((ConjugateGradientFlops * (double)conjugateGradientSweeps) + (ConductingCellGradient.Flops * (double)gradientPasses))));
            var method = fallbackBlocks == 0
                ? "line relaxation on the conducting cells"
                : $"line relaxation on the conducting cells, {fallbackBlocks} of {Blocks} blocks by conjugate gradients";
            return new IrDropSolveReport(method, Network.Rows, Network.CellCount, Blocks, relaxationSweeps, fallbackBlocks, conjugateGradientSweeps, flops);
        }

        private void Fail(string? reason)
        {
            if (reason is null)
            {
                return;
            }

            lock (gate)
            {
                failure ??= reason;
            }
        }
    }

    /// <summary>Conjugate-gradient state for one block of unit inputs, one lane per input, vectorized across lanes.</summary>
    /// <remarks>Vectors are laid out node-major, lane-minor: element (node, lane) is at node·lanes + lane.</remarks>
    private sealed class RhsBlock
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
        public string? Solve(int firstInput, double tolerance, int maxSweeps, double[] effective)
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
        public string? AccumulateGradient(int firstInput, double[] gamma, double tolerance, int maxSweeps, double[] forward, double[] gradient)
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
        private string? SolveLoaded(double tolerance, int maxSweeps)
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
                        return $"still at {WorstResidual(energy):G3} after {sweeps} sweeps (maxSweeps)";
                    }

                    sweeps++;
                    SweepsRun++;
                    UpdateDirectionAndApplySchur(preconditioned, updateDirection: true, direction, product, curvature);
                    for (var lane = 0; lane < lanes; lane++)
                    {
                        if (active[lane] && !(curvature[lane] > 0))
                        {
                            return $"loss of positive definiteness (pᵀSp = {curvature[lane]}) after {sweeps} sweeps";
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
                        return $"true residual stalled at {trueResidual:G3} after {sweeps} sweeps (floating-point floor above the tolerance)";
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

    /// <summary>Numbering of the dense reference's nodes: free unknowns, the row drivers and the ground.</summary>
    private sealed class DenseNodes
    {
        public const int Ground = -1;

        private readonly int rows;
        private readonly int cols;
        private readonly bool wordsAreDriven;
        private readonly bool bitsAreGrounded;
        private readonly int[] free;

        public DenseNodes(int rows, int cols, bool wordsAreDriven, bool bitsAreGrounded)
        {
            this.rows = rows;
            this.cols = cols;
            this.wordsAreDriven = wordsAreDriven;
            this.bitsAreGrounded = bitsAreGrounded;
            free = new int[2 * rows * cols];
            var next = 0;
            for (var n = 0; n < free.Length; n++)
            {
                var isWord = n < rows * cols;
                free[n] = (isWord && wordsAreDriven) || (!isWord && bitsAreGrounded) ? -1 : next++;
            }

            FreeCount = next;
        }

        public int FreeCount { get; }

        // Node ids: 0..RC−1 word nodes, RC..2RC−1 bit nodes, 2RC+i driver of row i, −1 ground.
        public int Word(int i, int j) => wordsAreDriven ? Driver(i) : (i * cols) + j;

        public int Bit(int i, int j) => bitsAreGrounded ? Ground : (rows * cols) + (i * cols) + j;

        public int Driver(int i) => (2 * rows * cols) + i;

        public int Free(int node) => node >= 0 && node < free.Length ? free[node] : -1;

        public int DriverRow(int node) => node >= 2 * rows * cols ? node - (2 * rows * cols) : -1;
    }
}
