namespace AimcHil.Emulator.Circuits;

/// <summary>One tile's effective conductance under IR drop, kept within a tolerance of the exact network solve across
/// reprogramming without re-solving the network every time.</summary>
public sealed class WireSolution
{
    public WireSolution(int rows, int cols, double wordSegmentOhm, double bitSegmentOhm, double toleranceSiemens)
    {
        Rows = rows;
        Cols = cols;
        WordSegmentOhm = wordSegmentOhm;
        BitSegmentOhm = bitSegmentOhm;
        ToleranceSiemens = toleranceSiemens;
    }

    public int Rows { get; }

    public int Cols { get; }

    public double WordSegmentOhm { get; }

    public double BitSegmentOhm { get; }

    public double ToleranceSiemens { get; }

    /// <summary>Geff of the network with these device conductances.</summary>
    public double[] EffectiveConductance(double[] conductanceSiemens) =>
        IrDropNetwork.EffectiveConductance(conductanceSiemens, Rows, Cols, WordSegmentOhm, BitSegmentOhm);
}
