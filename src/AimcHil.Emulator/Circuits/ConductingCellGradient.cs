using System.Numerics;
using System.Runtime.InteropServices;

namespace AimcHil.Emulator.Circuits;

/// <summary>dL/dG at every cell of a tile from a block's forward and adjoint bit voltages on its conducting cells.</summary>
/// <remarks>
/// dL/dG[m,n] = −Σ_k (λ_u − λ_w)(u − w) at cell (m,n), the sum over the block's inputs k (see
/// <see cref="IrDropNetwork"/>). Word voltages follow exactly from the word ladders (u = T⁻¹(s + G∘w), λ_u = T⁻¹(G∘λ_w)).
/// An off cell needs its gradient too (programming it on would draw current), and its nodes are junctions of series
/// segments, so their voltages are linear in position between the neighbouring conducting cells: a word line's first
/// run starts at its driver (1 V on the input's own row, 0 V otherwise and in the adjoint) and its last run is open and
/// flat, as is a bit line's run above its first cell. Below its last cell a bit line runs to the sense node one
/// segment past row rows − 1: at 0 V in the forward system, while the adjoint injects γ/r_b into node rows − 1, which
/// puts the run on the straight line from λ_p at the last cell's row p to γ at row rows. Vectorized across the
/// block's inputs like the relaxation (cell-major, input-minor).
/// </remarks>
internal sealed class ConductingCellGradient
{
    /// <summary>Floating-point operations per cell and input of <see cref="Accumulate"/>: on a conducting cell two
    /// word-ladder solves (3 + 2 each) and the product (2 subtractions, a multiply-add); on an off cell two word and two
    /// bit interpolations (3 each) and the product; the larger is counted for every cell.</summary>
    public const int Flops = 16;

    private readonly ConductingCellNetwork network;
    private readonly int lanes;
    private readonly int vectorsPerCell;
    private readonly double[] forwardWord;
    private readonly double[] adjointWord;
    private readonly double[] forwardWordRow;
    private readonly double[] adjointWordRow;
    private readonly double[] senseSide;
    private readonly int[] nearestAbove;

    public ConductingCellGradient(ConductingCellNetwork network, int lanes)
    {
        this.network = network;
        this.lanes = lanes;
        vectorsPerCell = lanes / Vector<double>.Count;
        forwardWord = new double[Math.Max(network.LongestWordLine, 1) * lanes];
        adjointWord = new double[forwardWord.Length];
        forwardWordRow = new double[network.Cols * lanes];
        adjointWordRow = new double[network.Cols * lanes];
        senseSide = new double[lanes];
        nearestAbove = new int[network.Cols];
    }

    /// <summary>Calls of <see cref="Accumulate"/> since construction, for the flop count.</summary>
    public long Passes { get; private set; }

    /// <summary>Adds the block's −Σ_k (λ_u − λ_w)(u − w) at every cell to <paramref name="gradient"/> (rows×cols).</summary>
    public void Accumulate(int firstInput, double[] gamma, double[] forward, double[] adjoint, double[] gradient)
    {
        Passes++;
        var rows = network.Rows;
        var cols = network.Cols;
        var f = MemoryMarshal.Cast<double, Vector<double>>(forward.AsSpan());
        var a = MemoryMarshal.Cast<double, Vector<double>>(adjoint.AsSpan());
        var fu = MemoryMarshal.Cast<double, Vector<double>>(forwardWordRow.AsSpan());
        var au = MemoryMarshal.Cast<double, Vector<double>>(adjointWordRow.AsSpan());
        Array.Fill(nearestAbove, -1);
        for (var i = 0; i < rows; i++)
        {
            var start = network.RowStart[i];
            var end = network.RowStart[i + 1];
            SolveWordLines(start, end, forward, adjoint);
            var drivenLane = i - firstInput is var lane && lane >= 0 && lane < lanes ? lane : -1;
            if (drivenLane >= 0)
            {
                for (var c = start; c < end; c++)
                {
                    forwardWord[((c - start) * lanes) + drivenLane] += network.WordDriveResponse[c];
                }
            }

            ExpandWordLine(start, end, forwardWord, drivenLane, forwardWordRow);
            ExpandWordLine(start, end, adjointWord, -1, adjointWordRow);
            for (var c = start; c < end; c++)
            {
                nearestAbove[network.Column[c]] = c;
            }

            for (var j = 0; j < cols; j++)
            {
                var sum = 0.0;
                var above = nearestAbove[j];
                var at = j * vectorsPerCell;
                if (above >= 0 && network.CellRow[above] == i)
                {
                    var cell = above * vectorsPerCell;
                    for (var v = 0; v < vectorsPerCell; v++)
                    {
                        sum += Vector.Dot(au[at + v] - a[cell + v], fu[at + v] - f[cell + v]);
                    }
                }
                else if (above < 0 && network.FirstInColumn[j] >= 0)
                {
                    // Above the first conducting cell the line is open and flat.
                    var cell = network.FirstInColumn[j] * vectorsPerCell;
                    for (var v = 0; v < vectorsPerCell; v++)
                    {
                        sum += Vector.Dot(au[at + v] - a[cell + v], fu[at + v] - f[cell + v]);
                    }
                }
                else if (above >= 0 && network.Below[above] != above)
                {
                    var next = network.Below[above];
                    var fraction = new Vector<double>((double)(i - network.CellRow[above]) / (network.CellRow[next] - network.CellRow[above]));
                    var upper = above * vectorsPerCell;
                    var lower = next * vectorsPerCell;
                    for (var v = 0; v < vectorsPerCell; v++)
                    {
                        var w = Vector.FusedMultiplyAdd(fraction, f[lower + v] - f[upper + v], f[upper + v]);
                        var lw = Vector.FusedMultiplyAdd(fraction, a[lower + v] - a[upper + v], a[upper + v]);
                        sum += Vector.Dot(au[at + v] - lw, fu[at + v] - w);
                    }
                }
                else
                {
                    sum = BelowLastCell(i, j, above, firstInput, gamma, forward, adjoint);
                }

                gradient[(i * cols) + j] -= sum;
            }
        }
    }

    /// <summary>Σ_k (λ_u − λ_w)(u − w) at a node below its bit line's last conducting cell, or on a line without one:
    /// straight to 0 V (forward) or γ (adjoint) at row `rows`, one segment past the last node.</summary>
    private double BelowLastCell(int row, int col, int above, int firstInput, double[] gamma, double[] forward, double[] adjoint)
    {
        var rows = network.Rows;
        var toSense = above >= 0 ? (double)(row - network.CellRow[above]) / (rows - network.CellRow[above]) : 1;
        for (var l = 0; l < lanes; l++)
        {
            senseSide[l] = firstInput + l < rows ? gamma[((firstInput + l) * network.Cols) + col] : 0;
        }

        var sum = 0.0;
        for (var l = 0; l < lanes; l++)
        {
            var forwardAbove = above >= 0 ? forward[(above * lanes) + l] : 0;
            var adjointAbove = above >= 0 ? adjoint[(above * lanes) + l] : 0;
            var w = forwardAbove * (1 - toSense);
            var lw = adjointAbove + (toSense * (senseSide[l] - adjointAbove));
            sum += (adjointWordRow[(col * lanes) + l] - lw) * (forwardWordRow[(col * lanes) + l] - w);
        }

        return sum;
    }

    /// <summary>Word voltages T⁻¹(G∘w) on one row's conducting cells (driver at 0 V) for the forward and adjoint bit
    /// voltages at once, every lane.</summary>
    private void SolveWordLines(int start, int end, double[] forward, double[] adjoint)
    {
        var f = MemoryMarshal.Cast<double, Vector<double>>(forward.AsSpan());
        var a = MemoryMarshal.Cast<double, Vector<double>>(adjoint.AsSpan());
        var fw = MemoryMarshal.Cast<double, Vector<double>>(forwardWord.AsSpan());
        var aw = MemoryMarshal.Cast<double, Vector<double>>(adjointWord.AsSpan());
        var coefficients = network.Coefficients;
        for (var c = start; c < end; c++)
        {
            var pg = new Vector<double>(coefficients[c].WordPivotConductance);
            var carry = new Vector<double>(coefficients[c].WordForwardCarry);
            var at = (c - start) * vectorsPerCell;
            var previous = c > start ? at - vectorsPerCell : at;
            for (var v = 0; v < vectorsPerCell; v++)
            {
                // The first cell's forward carry is 0, so reading its own slot for "previous" adds nothing.
                fw[at + v] = Vector.FusedMultiplyAdd(carry, c > start ? fw[previous + v] : Vector<double>.Zero, pg * f[(c * vectorsPerCell) + v]);
                aw[at + v] = Vector.FusedMultiplyAdd(carry, c > start ? aw[previous + v] : Vector<double>.Zero, pg * a[(c * vectorsPerCell) + v]);
            }
        }

        for (var c = end - 2; c >= start; c--)
        {
            var carry = new Vector<double>(coefficients[c].WordBackwardCarry);
            var at = (c - start) * vectorsPerCell;
            for (var v = 0; v < vectorsPerCell; v++)
            {
                fw[at + v] = Vector.FusedMultiplyAdd(carry, fw[at + vectorsPerCell + v], fw[at + v]);
                aw[at + v] = Vector.FusedMultiplyAdd(carry, aw[at + vectorsPerCell + v], aw[at + v]);
            }
        }
    }

    /// <summary>Every word node of a row from its conducting cells' voltages: linear from the driver (1 V on
    /// <paramref name="drivenLane"/>, else 0) to the first cell and between cells, flat past the last.</summary>
    private void ExpandWordLine(int start, int end, double[] cellVoltage, int drivenLane, double[] rowVoltage)
    {
        var cells = MemoryMarshal.Cast<double, Vector<double>>(cellVoltage.AsSpan());
        var line = MemoryMarshal.Cast<double, Vector<double>>(rowVoltage.AsSpan());
        Span<double> driver = stackalloc double[lanes];
        driver.Clear();
        if (drivenLane >= 0)
        {
            driver[drivenLane] = 1;
        }

        // "previous" is the driver until the first cell, then the last cell passed, as a slot of cells or of driver.
        var driverVectors = MemoryMarshal.Cast<double, Vector<double>>(driver);
        var previousColumn = -1;
        var previousCell = -1;
        for (var c = start; c <= end; c++)
        {
            var j = c < end ? network.Column[c] : network.Cols;
            for (var between = previousColumn + 1; between < j; between++)
            {
                // Past the last cell the line is open: the gap is flat at the last cell's voltage.
                var fraction = new Vector<double>(c < end ? (double)(between - previousColumn) / (j - previousColumn) : 0);
                for (var v = 0; v < vectorsPerCell; v++)
                {
                    var previous = previousCell >= 0 ? cells[(previousCell * vectorsPerCell) + v] : driverVectors[v];
                    var next = c < end ? cells[((c - start) * vectorsPerCell) + v] : previous;
                    line[(between * vectorsPerCell) + v] = Vector.FusedMultiplyAdd(fraction, next - previous, previous);
                }
            }

            if (c < end)
            {
                cells.Slice((c - start) * vectorsPerCell, vectorsPerCell).CopyTo(line.Slice(j * vectorsPerCell, vectorsPerCell));
                previousColumn = j;
                previousCell = c - start;
            }
        }
    }
}
