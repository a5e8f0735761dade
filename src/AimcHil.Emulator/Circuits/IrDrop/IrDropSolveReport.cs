namespace AimcHil.Emulator.Circuits;

/// <summary>What one IR-drop solve did: the method, its size, its sweeps and its floating-point operations.</summary>
/// <param name="Method">Which solver ran, e.g. line relaxation, with how many blocks handed to conjugate gradients.</param>
/// <param name="Inputs">Right-hand sides solved (one per input row; a block's padding lanes are counted in the flops only).</param>
/// <param name="ConductingCells">Cells with G &gt; 0, the unknowns of the reduced bit-node system.</param>
/// <param name="Blocks">Blocks of inputs solved together, one vector lane per input.</param>
/// <param name="RelaxationSweeps">Line-relaxation sweeps summed over blocks (forward and adjoint systems alike).</param>
/// <param name="FallbackBlocks">Blocks that relaxation handed to the conjugate-gradient solver because it contracted slowly.</param>
/// <param name="ConjugateGradientSweeps">Conjugate-gradient sweeps summed over the fallback blocks.</param>
/// <param name="Flops">Floating-point operations counted analytically from the kernels' per-node operation counts
/// (a fused multiply-add counts 2) times the nodes, lanes and passes actually run.</param>
public sealed record IrDropSolveReport(
    string Method,
    int Inputs,
    int ConductingCells,
    int Blocks,
    long RelaxationSweeps,
    int FallbackBlocks,
    long ConjugateGradientSweeps,
    double Flops);
