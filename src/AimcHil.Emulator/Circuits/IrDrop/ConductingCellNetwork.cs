using System.Runtime.InteropServices;

namespace AimcHil.Emulator.Circuits;

/// <summary>A tile's nodal network reduced to its conducting cells, the wire between consecutive ones merged in series.</summary>
/// <remarks>
/// A cell with G = 0 S leaves its word node and its bit node joined to nothing but their own two wire segments, so
/// each is a junction of two resistors in series and drops out of the network exactly: word line i keeps the cells
/// with G &gt; 0, joined by g_w/Δj between consecutive ones and by g_w/(j_first + 1) to its driver, its far end beyond
/// the last one open; bit line j keeps its conducting cells, joined by g_b/Δi, open above the first and joined to the
/// sense node by g_b/(rows − i_last) below the last. A differential-pair tile whose devices have no minimum state has
/// one device of every pair at 0 S, so this halves every sweep of <see cref="LineRelaxation"/>; stuck-off cells drop
/// out the same way. Both wire families must be resistive.
/// <para>
/// Conducting cells are numbered row-major, so word line i is the contiguous run <see cref="RowStart"/>[i] ..
/// <see cref="RowStart"/>[i + 1] − 1 and bit lines are threaded through <see cref="Below"/>. Each line is a
/// tridiagonal ladder factored once in Thomas form: with coupling a_t to the previous node and a_{t+1} to the next,
/// pivot m_t = 1/(d_t − a_t²·m_{t−1}), forward carry a_t·m_t and backward carry a_{t+1}·m_t, i.e. the elimination
/// y_t = m_t·f_t + (a_t m_t)·y_{t−1} and the substitution x_t = y_t + (a_{t+1} m_t)·x_{t+1} (B = L·D·Lᵀ with
/// D_t = 1/m_t and (Lᵀx)_t = x_t − (a_{t+1} m_t)·x_{t+1}, which the relaxation uses to measure its residual).
/// </para>
/// </remarks>
internal sealed class ConductingCellNetwork
{
    public ConductingCellNetwork(double[] conductanceSiemens, int rows, int cols, double wordSegmentOhm, double bitSegmentOhm)
    {
        Rows = rows;
        Cols = cols;
        BitSiemens = 1 / bitSegmentOhm;
        RowStart = new int[rows + 1];
        var cellAt = new int[rows * cols];
        var count = 0;
        for (var i = 0; i < rows; i++)
        {
            RowStart[i] = count;
            for (var j = 0; j < cols; j++)
            {
                cellAt[(i * cols) + j] = conductanceSiemens[(i * cols) + j] > 0 ? count++ : -1;
            }
        }

        RowStart[rows] = count;
        CellCount = count;
        Coefficients = new CellCoefficients[count];
        Column = new int[count];
        CellRow = new int[count];
        for (var n = 0; n < cellAt.Length; n++)
        {
            if (cellAt[n] >= 0)
            {
                Column[cellAt[n]] = n % cols;
                CellRow[cellAt[n]] = n / cols;
            }
        }

        Below = new int[count];
        BitBackwardCarry = new double[count];
        WordDriveResponse = new double[count];
        FirstInColumn = new int[cols];
        LastInColumn = new int[cols];
        SenseSiemens = new double[cols];
        FactorWordLines(conductanceSiemens, 1 / wordSegmentOhm);
        FactorBitLines(cellAt);
    }

    public int Rows { get; }

    public int Cols { get; }

    /// <summary>Conducting cells (G &gt; 0), the unknowns of each bit-node system.</summary>
    public int CellCount { get; }

    public double BitSiemens { get; }

    /// <summary>First conducting cell of each word line, and <see cref="CellCount"/> at [rows].</summary>
    public int[] RowStart { get; }

    public CellCoefficients[] Coefficients { get; }

    public int[] Column { get; }

    public int[] CellRow { get; }

    /// <summary>The next conducting cell down the bit line, or the cell itself for the last one (whose backward carry is 0).</summary>
    public int[] Below { get; }

    /// <summary><see cref="CellCoefficients.BitBackwardCarry"/> alone, so the back substitution reads 8 bytes per cell, not 64.</summary>
    public double[] BitBackwardCarry { get; }

    /// <summary>Word-node voltage per volt of the row's input with every bit node at 0 V.</summary>
    public double[] WordDriveResponse { get; }

    /// <summary>Topmost conducting cell of each bit line, or −1 for a line without one.</summary>
    public int[] FirstInColumn { get; }

    /// <summary>Conducting cell nearest the sense node of each bit line, or −1 for a line without one.</summary>
    public int[] LastInColumn { get; }

    /// <summary>Conductance from <see cref="LastInColumn"/> to the sense node: I_j = SenseSiemens[j]·W[last].</summary>
    public double[] SenseSiemens { get; }

    /// <summary>Largest number of conducting cells on one word line.</summary>
    public int LongestWordLine { get; private set; }

    /// <summary>Both ladders' Thomas factors of one conducting cell; one cache line, read once per cell per sweep.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct CellCoefficients
    {
        /// <summary>Word pivot times the device conductance: the word ladder's right-hand side is always G∘W.</summary>
        public double WordPivotConductance;

        public double WordForwardCarry;

        public double WordBackwardCarry;

        public double Conductance;

        public double BitPivot;

        public double BitForwardCarry;

        public double BitBackwardCarry;

        /// <summary>1/<see cref="BitPivot"/>, the D of B = L·D·Lᵀ.</summary>
        public double BitPivotInverse;
    }

    private void FactorWordLines(double[] g, double wordSiemens)
    {
        for (var i = 0; i < Rows; i++)
        {
            var start = RowStart[i];
            var end = RowStart[i + 1];
            LongestWordLine = Math.Max(LongestWordLine, end - start);
            var previousColumn = -1;
            var previousPivot = 0.0;
            for (var c = start; c < end; c++)
            {
                var j = Column[c];

                // The first cell's left neighbour is the driver (a fixed voltage), so only later cells carry a pivot term.
                var leftSiemens = wordSiemens / (j - previousColumn);
                var rightSiemens = c + 1 < end ? wordSiemens / (Column[c + 1] - j) : 0;
                ref var k = ref Coefficients[c];
                k.Conductance = g[(i * Cols) + j];
                var diagonal = k.Conductance + leftSiemens + rightSiemens;
                var pivot = 1 / (diagonal - (c > start ? leftSiemens * leftSiemens * previousPivot : 0));
                k.WordPivotConductance = pivot * k.Conductance;
                k.WordForwardCarry = c > start ? leftSiemens * pivot : 0;
                k.WordBackwardCarry = rightSiemens * pivot;

                // The driver feeds the first cell through j_first + 1 segments; later cells only carry it forward.
                WordDriveResponse[c] = c > start ? k.WordForwardCarry * WordDriveResponse[c - 1] : pivot * leftSiemens;
                previousColumn = j;
                previousPivot = pivot;
            }

            for (var c = end - 2; c >= start; c--)
            {
                WordDriveResponse[c] += Coefficients[c].WordBackwardCarry * WordDriveResponse[c + 1];
            }
        }
    }

    private void FactorBitLines(int[] cellAt)
    {
        var line = new int[Rows];
        for (var j = 0; j < Cols; j++)
        {
            var length = 0;
            for (var i = 0; i < Rows; i++)
            {
                if (cellAt[(i * Cols) + j] is var c and >= 0)
                {
                    line[length++] = c;
                }
            }

            FirstInColumn[j] = length > 0 ? line[0] : -1;
            LastInColumn[j] = length > 0 ? line[length - 1] : -1;
            var previousPivot = 0.0;
            for (var t = 0; t < length; t++)
            {
                var c = line[t];
                var aboveSiemens = t > 0 ? BitSiemens / (CellRow[c] - CellRow[line[t - 1]]) : 0;
                var belowSiemens = t + 1 < length ? BitSiemens / (CellRow[line[t + 1]] - CellRow[c]) : BitSiemens / (Rows - CellRow[c]);
                ref var k = ref Coefficients[c];
                var pivot = 1 / (k.Conductance + aboveSiemens + belowSiemens - (aboveSiemens * aboveSiemens * previousPivot));
                k.BitPivot = pivot;
                k.BitPivotInverse = 1 / pivot;
                k.BitForwardCarry = aboveSiemens * pivot;

                // The sense node is held at 0 V, so the last cell's coupling to it stays on the diagonal only.
                k.BitBackwardCarry = t + 1 < length ? belowSiemens * pivot : 0;
                BitBackwardCarry[c] = k.BitBackwardCarry;
                Below[c] = t + 1 < length ? line[t + 1] : c;
                previousPivot = pivot;
            }

            if (length > 0)
            {
                SenseSiemens[j] = BitSiemens / (Rows - CellRow[line[length - 1]]);
            }
        }
    }
}
