namespace AimcHil.Emulator.Circuits;

/// <summary>One worker's relaxation and gradient assembly, its saved forward bit voltages and its partial sum of dL/dG.</summary>
internal sealed class AdjointWorkspace(ConductingCellNetwork network)
{
    public LineRelaxation Solver { get; } = new(network);

    public ConductingCellGradient Assembler { get; } = new(network);

    public double[] Forward { get; } = new double[network.CellCount * LineRelaxation.Lanes];

    public double[] Gradient { get; } = new double[network.Rows * network.Cols];
}
