using System.Numerics;
using System.Runtime.CompilerServices;
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
    private readonly int lanes = LineRelaxation.Lanes;
    private readonly double[] forwardWord;
    private readonly double[] adjointWord;
    private readonly int[] nearestAbove;

    public ConductingCellGradient(ConductingCellNetwork network)
    {
        this.network = network;
        forwardWord = new double[Math.Max(network.LongestWordLine, 1) * lanes];
        adjointWord = new double[forwardWord.Length];
        nearestAbove = new int[network.Cols];
    }

    /// <summary>Calls of <see cref="Accumulate"/> since construction, for the flop count.</summary>
    public long Passes { get; private set; }

    /// <summary>Adds the block's −Σ_k (λ_u − λ_w)(u − w) at every cell to <paramref name="gradient"/> (rows×cols), from
    /// the forward and adjoint bit voltages on the conducting cells in <see cref="LineRelaxation"/>'s layout (two
    /// vectors of inputs per cell).</summary>
    /// <remarks>One walk along each row carries the word line's last conducting cell (or its driver) and the next one,
    /// and each column's nearest conducting cell above, so every node is interpolated where it is needed and never
    /// stored.</remarks>
    public void Accumulate(int firstInput, double[] gamma, double[] forward, double[] adjoint, double[] gradient)
    {
        Passes++;
        var rows = network.Rows;
        var cols = network.Cols;
        ref var f = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<double, Vector<double>>(forward.AsSpan()));
        ref var a = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<double, Vector<double>>(adjoint.AsSpan()));
        ref var fw = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<double, Vector<double>>(forwardWord.AsSpan()));
        ref var aw = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<double, Vector<double>>(adjointWord.AsSpan()));
        var column = network.Column;
        var cellRow = network.CellRow;
        var below = network.Below;
        var firstInColumn = network.FirstInColumn;
        Span<double> driver = stackalloc double[lanes];
        Array.Fill(nearestAbove, -1);
        for (var i = 0; i < rows; i++)
        {
            var start = network.RowStart[i];
            var end = network.RowStart[i + 1];
            SolveWordLines(start, end, forward, adjoint);
            var drivenLane = i - firstInput is var lane && lane >= 0 && lane < lanes ? lane : -1;
            driver.Clear();
            if (drivenLane >= 0)
            {
                driver[drivenLane] = 1;
                for (var c = start; c < end; c++)
                {
                    forwardWord[((c - start) * lanes) + drivenLane] += network.WordDriveResponse[c];
                }
            }

            // The word line's previous node starts as its driver: 1 V on the input's own lane forward, 0 V in the adjoint.
            var driverVectors = MemoryMarshal.Cast<double, Vector<double>>(driver);
            var pf0 = driverVectors[0];
            var pf1 = driverVectors[1];
            var pa0 = Vector<double>.Zero;
            var pa1 = Vector<double>.Zero;
            var previousColumn = -1;
            var next = start;
            var nextColumn = next < end ? column[next] : cols;
            var rowGradient = gradient.AsSpan(i * cols, cols);
            for (var j = 0; j < cols; j++)
            {
                Vector<double> uf0, uf1, ua0, ua1, bf0, bf1, ba0, ba1;
                if (j == nextColumn)
                {
                    ref var wf = ref Unsafe.Add(ref fw, 2 * (next - start));
                    ref var wa = ref Unsafe.Add(ref aw, 2 * (next - start));
                    uf0 = wf;
                    uf1 = Unsafe.Add(ref wf, 1);
                    ua0 = wa;
                    ua1 = Unsafe.Add(ref wa, 1);
                    ref var cf = ref Unsafe.Add(ref f, 2 * next);
                    ref var ca = ref Unsafe.Add(ref a, 2 * next);
                    bf0 = cf;
                    bf1 = Unsafe.Add(ref cf, 1);
                    ba0 = ca;
                    ba1 = Unsafe.Add(ref ca, 1);
                    nearestAbove[j] = next;
                    pf0 = uf0;
                    pf1 = uf1;
                    pa0 = ua0;
                    pa1 = ua1;
                    previousColumn = j;
                    next++;
                    nextColumn = next < end ? column[next] : cols;
                }
                else
                {
                    if (next < end)
                    {
                        var fraction = new Vector<double>((double)(j - previousColumn) / (nextColumn - previousColumn));
                        ref var wf = ref Unsafe.Add(ref fw, 2 * (next - start));
                        ref var wa = ref Unsafe.Add(ref aw, 2 * (next - start));
                        uf0 = Vector.FusedMultiplyAdd(fraction, wf - pf0, pf0);
                        uf1 = Vector.FusedMultiplyAdd(fraction, Unsafe.Add(ref wf, 1) - pf1, pf1);
                        ua0 = Vector.FusedMultiplyAdd(fraction, wa - pa0, pa0);
                        ua1 = Vector.FusedMultiplyAdd(fraction, Unsafe.Add(ref wa, 1) - pa1, pa1);
                    }
                    else
                    {
                        // Past the last conducting cell the word line is open: flat at that cell's voltage.
                        uf0 = pf0;
                        uf1 = pf1;
                        ua0 = pa0;
                        ua1 = pa1;
                    }

                    var above = nearestAbove[j];
                    if (above < 0 && firstInColumn[j] >= 0)
                    {
                        // Above the first conducting cell the bit line is open: flat at that cell's voltage.
                        ref var cf = ref Unsafe.Add(ref f, 2 * firstInColumn[j]);
                        ref var ca = ref Unsafe.Add(ref a, 2 * firstInColumn[j]);
                        bf0 = cf;
                        bf1 = Unsafe.Add(ref cf, 1);
                        ba0 = ca;
                        ba1 = Unsafe.Add(ref ca, 1);
                    }
                    else if (above >= 0 && below[above] != above)
                    {
                        var lower = below[above];
                        var fraction = new Vector<double>((double)(i - cellRow[above]) / (cellRow[lower] - cellRow[above]));
                        ref var uf = ref Unsafe.Add(ref f, 2 * above);
                        ref var lf = ref Unsafe.Add(ref f, 2 * lower);
                        ref var ua = ref Unsafe.Add(ref a, 2 * above);
                        ref var la = ref Unsafe.Add(ref a, 2 * lower);
                        bf0 = Vector.FusedMultiplyAdd(fraction, lf - uf, uf);
                        bf1 = Vector.FusedMultiplyAdd(fraction, Unsafe.Add(ref lf, 1) - Unsafe.Add(ref uf, 1), Unsafe.Add(ref uf, 1));
                        ba0 = Vector.FusedMultiplyAdd(fraction, la - ua, ua);
                        ba1 = Vector.FusedMultiplyAdd(fraction, Unsafe.Add(ref la, 1) - Unsafe.Add(ref ua, 1), Unsafe.Add(ref ua, 1));
                    }
                    else
                    {
                        rowGradient[j] -= BelowLastCell(i, j, above, firstInput, gamma, forward, adjoint, uf0, uf1, ua0, ua1);
                        continue;
                    }
                }

                rowGradient[j] -= Vector.Sum(Vector.FusedMultiplyAdd(ua0 - ba0, uf0 - bf0, (ua1 - ba1) * (uf1 - bf1)));
            }
        }
    }

    /// <summary>Σ_k (λ_u − λ_w)(u − w) at a node below its bit line's last conducting cell, or on a line without one:
    /// straight to 0 V (forward) or γ (adjoint) at row `rows`, one segment past the last node.</summary>
    private double BelowLastCell(int row, int col, int above, int firstInput, double[] gamma, double[] forward, double[] adjoint,
        Vector<double> uf0, Vector<double> uf1, Vector<double> ua0, Vector<double> ua1)
    {
        var rows = network.Rows;
        var toSense = above >= 0 ? (double)(row - network.CellRow[above]) / (rows - network.CellRow[above]) : 1;
        Span<double> word = stackalloc double[4 * Vector<double>.Count];
        var words = MemoryMarshal.Cast<double, Vector<double>>(word);
        words[0] = uf0;
        words[1] = uf1;
        words[2] = ua0;
        words[3] = ua1;
        var sum = 0.0;
        for (var l = 0; l < lanes; l++)
        {
            var senseSide = firstInput + l < rows ? gamma[((firstInput + l) * network.Cols) + col] : 0;
            var forwardAbove = above >= 0 ? forward[(above * lanes) + l] : 0;
            var adjointAbove = above >= 0 ? adjoint[(above * lanes) + l] : 0;
            var w = forwardAbove * (1 - toSense);
            var lw = adjointAbove + (toSense * (senseSide - adjointAbove));
            sum += (word[lanes + l] - lw) * (word[l] - w);
        }

        return sum;
    }

    /// <summary>Word voltages T⁻¹(G∘w) on one row's conducting cells (driver at 0 V) for the forward and adjoint bit
    /// voltages at once, every lane.</summary>
    private void SolveWordLines(int start, int end, double[] forward, double[] adjoint)
    {
        ref var f = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<double, Vector<double>>(forward.AsSpan()));
        ref var a = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<double, Vector<double>>(adjoint.AsSpan()));
        ref var fw = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<double, Vector<double>>(forwardWord.AsSpan()));
        ref var aw = ref MemoryMarshal.GetReference(MemoryMarshal.Cast<double, Vector<double>>(adjointWord.AsSpan()));
        ref var coefficients = ref MemoryMarshal.GetArrayDataReference(network.Coefficients);
        var f0 = Vector<double>.Zero;
        var f1 = Vector<double>.Zero;
        var a0 = Vector<double>.Zero;
        var a1 = Vector<double>.Zero;
        for (var c = start; c < end; c++)
        {
            ref var k = ref Unsafe.Add(ref coefficients, c);
            var pg = new Vector<double>(k.WordPivotConductance);
            var carry = new Vector<double>(k.WordForwardCarry);
            ref var cf = ref Unsafe.Add(ref f, 2 * c);
            ref var ca = ref Unsafe.Add(ref a, 2 * c);
            f0 = Vector.FusedMultiplyAdd(carry, f0, pg * cf);
            f1 = Vector.FusedMultiplyAdd(carry, f1, pg * Unsafe.Add(ref cf, 1));
            a0 = Vector.FusedMultiplyAdd(carry, a0, pg * ca);
            a1 = Vector.FusedMultiplyAdd(carry, a1, pg * Unsafe.Add(ref ca, 1));
            ref var wf = ref Unsafe.Add(ref fw, 2 * (c - start));
            ref var wa = ref Unsafe.Add(ref aw, 2 * (c - start));
            wf = f0;
            Unsafe.Add(ref wf, 1) = f1;
            wa = a0;
            Unsafe.Add(ref wa, 1) = a1;
        }

        for (var c = end - 2; c >= start; c--)
        {
            var carry = new Vector<double>(Unsafe.Add(ref coefficients, c).WordBackwardCarry);
            ref var wf = ref Unsafe.Add(ref fw, 2 * (c - start));
            ref var wa = ref Unsafe.Add(ref aw, 2 * (c - start));
            f0 = Vector.FusedMultiplyAdd(carry, f0, wf);
            f1 = Vector.FusedMultiplyAdd(carry, f1, Unsafe.Add(ref wf, 1));
            a0 = Vector.FusedMultiplyAdd(carry, a0, wa);
            a1 = Vector.FusedMultiplyAdd(carry, a1, Unsafe.Add(ref wa, 1));
            wf = f0;
            Unsafe.Add(ref wf, 1) = f1;
            wa = a0;
            Unsafe.Add(ref wa, 1) = a1;
        }
    }
}
