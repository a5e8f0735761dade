namespace AimcHil.Cli.Commands;

/// <summary>The <c>ir_solve</c> figures: median wall seconds, analytic flops and the resulting GFLOP/s of the IR-drop
/// solve and its VJP, and the method that produced them.</summary>
internal sealed record IrSolveFigures(
    double SolveSeconds,
    double AdjointSeconds,
    double SolveFlops,
    double AdjointFlops,
    double SolveGflops,
    double AdjointGflops,
    string Method);
