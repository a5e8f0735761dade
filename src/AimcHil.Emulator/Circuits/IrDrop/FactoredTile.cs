namespace AimcHil.Emulator.Circuits;

/// <summary>Everything about one programmed tile that every right-hand side shares: ladder factors and drives.</summary>
internal sealed class FactoredTile
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
