namespace AimcHil.Emulator.Circuits;

/// <summary>One parallel relaxation solve of a tile: its conducting-cell network, the conjugate-gradient fallback,
/// and the sweeps, passes and first failure gathered from the workers.</summary>
internal sealed class RelaxationRun
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
    private SolveFailure? failure;

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
    public void Settle(LineRelaxation.Outcome outcome, LineRelaxation relaxation, Action converged, Func<RhsBlock, SolveFailure?> conjugateGradients)
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
        var flops = LineRelaxation.Lanes * (relaxation + (cells * ((IrDropNetwork.ConjugateGradientFlops * (double)conjugateGradientSweeps) + (ConductingCellGradient.Flops * (double)gradientPasses))));
        var method = fallbackBlocks == 0
            ? "line relaxation on the conducting cells"
            : $"line relaxation on the conducting cells, {fallbackBlocks} of {Blocks} blocks by conjugate gradients";
        return new IrDropSolveReport(method, Network.Rows, Network.CellCount, Blocks, relaxationSweeps, fallbackBlocks, conjugateGradientSweeps, flops);
    }

    private void Fail(SolveFailure? reason)
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
