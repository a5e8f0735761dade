using System.Numerics.Tensors;
using AimcHil.Characterization.Datasets;
using AimcHil.Emulator.Circuits;
using NodalMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace AimcHil.Characterization.Calibration;

/// <summary>The device states behind a passive (1R) array's single-device read-backs: the conductances that, read one
/// at a time with the other lines floating, give the measured apparent conductances.</summary>
/// <remarks>
/// A cell's read is its own conductance in parallel with the sneak network of all the other cells
/// (<see cref="SneakPathRead"/>): A_ij = G_ij + S_ij(G without ij). On the 32×32 preset the sneak part is some 20 times
/// the device, so the plain fixed point G ← A − S(G) diverges (a uniform error c·G comes back as (1 − c)·S); Newton's
/// method converges in a few rounds and, on a noiseless array, returns the states exactly (up to float rounding). The
/// read scheme is a design fact of the chip (it states its sneak paths); only the measured reads enter. Read noise
/// comes through about twice as large (measured: 0.0060 in, 0.0126 out on a random 32×64 array), the same on chip and
/// candidate twins, which the fits invert alike.
/// </remarks>
public static class SneakPathInversion
{
    /// <summary>Newton rounds at most; it stops earlier once no state moves by more than <see cref="Tolerance"/>.</summary>
    public const int MaxRounds = 20;

    /// <summary>Largest change of any normalized state at which the fixed point is taken as converged.</summary>
    public const double Tolerance = 1e-9;

    /// <summary>Reads within this share of their mean of a solved set take one linear step from it: read noise is some
    /// 0.1 % of the mean read on the preset (0.3 % at its largest device), and the step's error, second order in the
    /// change, stays near 10⁻³ of the noise.</summary>
    private const double ChordShare = 0.01;

    /// <summary>Reads within this share of their mean of a solved set start Newton from it.</summary>
    private const double StartShare = 0.05;

    /// <summary>Where conjugate gradients stop, relative to the first preconditioned residual.</summary>
    private const double RelativeTolerance = 1e-6;

    /// <summary>Device states (normalized, arrays × rows × cols, array-major) from the apparent reads of one tile, whose
    /// arrays share the word lines (the network is rows × (arrays·cols)).</summary>
    public static float[] DeviceStates(ReadOnlySpan<float> apparent, int arrays, int rows, int cols)
    {
        var measured = Wide(apparent, arrays, rows, cols);
        return Narrow(Solve(measured, rows, arrays * cols, null, new Solution()), arrays, rows, cols);
    }

    /// <summary>The reads in the line network's layout: rows × (arrays·cols), the arrays side by side.</summary>
    private static double[] Wide(ReadOnlySpan<float> apparent, int arrays, int rows, int cols)
    {
        var wide = arrays * cols;
        var measured = new double[rows * wide];
        for (var a = 0; a < arrays; a++)
        {
            for (var i = 0; i < rows; i++)
            {
                for (var j = 0; j < cols; j++)
                {
                    measured[(i * wide) + (a * cols) + j] = apparent[(((a * rows) + i) * cols) + j];
                }
            }
        }

        return measured;
    }

    /// <summary>States back from the network's layout to arrays × rows × cols.</summary>
    private static float[] Narrow(double[] states, int arrays, int rows, int cols)
    {
        var wide = arrays * cols;
        var result = new float[arrays * rows * cols];
        for (var a = 0; a < arrays; a++)
        {
            for (var i = 0; i < rows; i++)
            {
                for (var j = 0; j < cols; j++)
                {
                    result[(((a * rows) + i) * cols) + j] = (float)states[(i * wide) + (a * cols) + j];
                }
            }
        }

        return result;
    }

    /// <summary>Newton's method on A(G) = measured, each step solved by conjugate gradients.</summary>
    /// <remarks>
    /// The Jacobian is J = D·M with D = diag(A²) and M_ef = T_ef², T the transfer resistance between cells e and f
    /// (the voltage across f for a unit current read through e): M is symmetric positive semi-definite (a Hadamard
    /// square of a Gram matrix), so J·δ = r is M·δ = D⁻¹·r, a symmetric system for conjugate gradients, with M's own
    /// diagonal (1/A²) as preconditioner. The start is the reads scaled to the array's share of them, exact for a
    /// uniform array since A(c·G) = c·A(G).
    /// </remarks>
    private static double[] Solve(double[] measured, int rows, int wide, double[]? start, Solution solution)
    {
        var cells = measured.Length;
        var states = start ?? (double[])measured.Clone();
        var reads = new double[cells];
        if (start is null)
        {
            reads = SneakPathRead.ApparentConductance(states, rows, wide, accessTransistors: false);
            var share = measured.Sum() / reads.Sum();
            for (var k = 0; k < cells; k++)
            {
                states[k] *= share;
            }
        }

        var lines = rows + wide;
        var transfer = new double[cells * lines];
        var m = new double[cells * cells];
        var residual = new double[cells];
        for (var round = 0; round < MaxRounds; round++)
        {
            var y = Potentials(states, rows, wide);
            double largestResidual = 0;
            for (var i = 0; i < rows; i++)
            {
                for (var j = 0; j < wide; j++)
                {
                    var e = (i * wide) + j;
                    var column = rows + j;
                    var u = transfer.AsSpan(e * lines, lines);
                    for (var n = 0; n < lines; n++)
                    {
                        u[n] = y[(i * lines) + n] - y[(column * lines) + n];
                    }

                    var apparent = 1 / (u[i] - u[column]);
                    reads[e] = apparent;
                    residual[e] = (measured[e] - apparent) / (apparent * apparent);
                    largestResidual = Math.Max(largestResidual, Math.Abs(measured[e] - apparent));
                }
            }

            for (var e = 0; e < cells; e++)
            {
                var u = transfer.AsSpan(e * lines, lines);
                var row = m.AsSpan(e * cells, cells);
                for (var k = 0; k < rows; k++)
                {
                    for (var l = 0; l < wide; l++)
                    {
                        var t = u[k] - u[rows + l];
                        row[(k * wide) + l] = t * t;
                    }
                }
            }

            // Kept for the reads that follow (a chord step), built before the test so that it is the solution's own.
            solution.Jacobian = m;
            solution.Apparent = (double[])reads.Clone();
            if (largestResidual <= Tolerance)
            {
                break;
            }

            var step = ConjugateGradients(m, [residual], reads)[0];
            double largestStep = 0;
            for (var k = 0; k < cells; k++)
            {
                var next = Math.Max(states[k] + step[k], 0);
                largestStep = Math.Max(largestStep, Math.Abs(next - states[k]));
                states[k] = next;
            }

            // A device at 0 whose read asks for slightly less (float rounding of the read) keeps a residual that no
            // step removes: the states have stopped moving, which is convergence.
            if (largestStep <= Tolerance)
            {
                break;
            }
        }

        return states;
    }

    /// <summary>Solves M·x = b for each right side, with M's diagonal (1/A²) as preconditioner, to
    /// <see cref="RelativeTolerance"/> of each first preconditioned residual: Newton's outer rounds take up what an
    /// inexact step leaves, and a chord step's right side is read noise, of which 10⁻⁶ is far below what any fit
    /// resolves. The right sides iterate side by side so that each row of M, read once, serves all of them.</summary>
    private static List<double[]> ConjugateGradients(double[] m, List<double[]> rightSides, double[] apparent)
    {
        var n = apparent.Length;
        var count = rightSides.Count;
        var x = new double[count][];
        var r = new double[count][];
        var z = new double[count][];
        var p = new double[count][];
        var q = new double[count][];
        var rz = new double[count];
        var start = new double[count];
        var active = new bool[count];
        for (var c = 0; c < count; c++)
        {
            x[c] = new double[n];
            r[c] = (double[])rightSides[c].Clone();
            z[c] = new double[n];
            q[c] = new double[n];
            for (var k = 0; k < n; k++)
            {
                z[c][k] = r[c][k] * apparent[k] * apparent[k];
            }

            p[c] = (double[])z[c].Clone();
            rz[c] = TensorPrimitives.Dot<double>(r[c], z[c]);
            start[c] = Math.Sqrt(TensorPrimitives.Dot<double>(z[c], z[c]));
            active[c] = rz[c] > 0;
        }

        for (var iteration = 0; iteration < 4 * n && active.Any(a => a); iteration++)
        {
            for (var k = 0; k < n; k++)
            {
                var row = m.AsSpan(k * n, n);
                for (var c = 0; c < count; c++)
                {
                    if (active[c])
                    {
                        q[c][k] = TensorPrimitives.Dot<double>(row, p[c]);
                    }
                }
            }

            for (var c = 0; c < count; c++)
            {
                if (!active[c])
                {
                    continue;
                }

                var alpha = rz[c] / TensorPrimitives.Dot<double>(p[c], q[c]);
                for (var k = 0; k < n; k++)
                {
                    x[c][k] += alpha * p[c][k];
                    r[c][k] -= alpha * q[c][k];
                    z[c][k] = r[c][k] * apparent[k] * apparent[k];
                }

                if (Math.Sqrt(TensorPrimitives.Dot<double>(z[c], z[c])) <= RelativeTolerance * start[c])
                {
                    active[c] = false;
                    continue;
                }

                var next = TensorPrimitives.Dot<double>(r[c], z[c]);
                for (var k = 0; k < n; k++)
                {
                    p[c][k] = z[c][k] + (next / rz[c] * p[c][k]);
                }

                rz[c] = next;
            }
        }

        return [.. x];
    }

    /// <summary>Y (row-major, (rows + wide)²), the inverse of the line network's Laplacian grounded at line 0 (its row
    /// and column zero), with a leak far below any device on the other lines so that one without devices still has a
    /// path to ground.</summary>
    private static double[] Potentials(double[] g, int rows, int wide)
    {
        var lines = rows + wide;
        var laplacian = NodalMatrix.Build.Dense(lines - 1, lines - 1);
        var leak = 1e-12 * g.Average();
        for (var n = 0; n < lines - 1; n++)
        {
            laplacian[n, n] = leak;
        }

        void Add(int a, int b, double value)
        {
            if (a > 0 && b > 0)
            {
                laplacian[a - 1, b - 1] += value;
            }
        }

        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < wide; j++)
            {
                var conductance = g[(i * wide) + j];
                var column = rows + j;
                Add(i, i, conductance);
                Add(column, column, conductance);
                Add(i, column, -conductance);
                Add(column, i, -conductance);
            }
        }

        var inverse = laplacian.Cholesky().Solve(NodalMatrix.Build.DenseIdentity(lines - 1));
        var y = new double[lines * lines];
        for (var a = 1; a < lines; a++)
        {
            for (var b = 1; b < lines; b++)
            {
                y[(a * lines) + b] = inverse[a - 1, b - 1];
            }
        }

        return y;
    }

    /// <summary>The points with every <c>read_state</c> (arrays × rows × cols) replaced by the device states behind it.</summary>
    /// <remarks>A series of reads of one programming (the repeats and ages of a timed read) differs by read noise only:
    /// the first is solved in full, and the rest within <see cref="ChordShare"/> of it take one linear step from it with
    /// its Jacobian (error second order in the noise, some 10⁻⁴ of it), all those steps solved together so that M is
    /// streamed from memory once per iteration for all of them. Reads within <see cref="StartShare"/> start Newton
    /// from the last solution.</remarks>
    public static IReadOnlyList<DataPoint> Devices(IReadOnlyList<DataPoint> points)
    {
        var result = points.ToArray();
        var anchor = new Solution();
        var chords = new List<(int Index, double[] Measured, int[] Shape)>();
        void Flush()
        {
            if (chords.Count == 0)
            {
                return;
            }

            var states = Chords(anchor, chords.ConvertAll(c => c.Measured));
            for (var n = 0; n < chords.Count; n++)
            {
                var shape = chords[n].Shape;
                result[chords[n].Index] = With(result[chords[n].Index], new PointArray(shape, Narrow(states[n], shape[0], shape[1], shape[2])));
            }

            chords.Clear();
        }

        for (var n = 0; n < result.Length; n++)
        {
            if (!result[n].Arrays.TryGetValue("read_state", out var read))
            {
                continue;
            }

            int arrays = read.Shape[0], rows = read.Shape[1], cols = read.Shape[2];
            var measured = Wide(read.Values, arrays, rows, cols);
            if (anchor.Jacobian is not null && Close(anchor.Reads, measured, ChordShare))
            {
                chords.Add((n, measured, read.Shape));
                continue;
            }

            Flush();
            var start = Close(anchor.Reads, measured, StartShare) ? Started(anchor, measured) : null;
            var solution = new Solution();
            var states = Solve(measured, rows, arrays * cols, start, solution);
            anchor.Reads = measured;
            anchor.States = (double[])states.Clone();
            anchor.Jacobian = solution.Jacobian;
            anchor.Apparent = solution.Apparent;
            result[n] = With(result[n], new PointArray(read.Shape, Narrow(states, arrays, rows, cols)));
        }

        Flush();
        return result;
    }

    private static DataPoint With(DataPoint point, PointArray devices) =>
        point with { Arrays = new Dictionary<string, PointArray>(point.Arrays) { ["read_state"] = devices } };

    /// <summary>Whether two sets of reads of one array differ nowhere by more than <paramref name="share"/> of their mean.</summary>
    private static bool Close(double[]? earlier, double[] now, double share)
    {
        if (earlier is null || earlier.Length != now.Length)
        {
            return false;
        }

        var scale = now.Average();
        for (var k = 0; k < now.Length; k++)
        {
            if (Math.Abs(now[k] - earlier[k]) > share * scale)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One linear step from the anchor's states for each set of reads: M·δ = D⁻¹·(A_now − A_anchor) with the
    /// anchor's Jacobian.</summary>
    private static List<double[]> Chords(Solution anchor, List<double[]> reads)
    {
        var cells = anchor.States!.Length;
        var rightSides = reads.ConvertAll(measured =>
        {
            var residual = new double[cells];
            for (var k = 0; k < cells; k++)
            {
                residual[k] = (measured[k] - anchor.Reads![k]) / (anchor.Apparent![k] * anchor.Apparent[k]);
            }

            return residual;
        });
        var steps = ConjugateGradients(anchor.Jacobian!, rightSides, anchor.Apparent!);
        return steps.ConvertAll(step =>
        {
            var states = new double[cells];
            for (var k = 0; k < cells; k++)
            {
                states[k] = Math.Max(anchor.States[k] + step[k], 0);
            }

            return states;
        });
    }

    /// <summary>The earlier states moved by the change of each device's own read.</summary>
    private static double[] Started(Solution earlier, double[] measured)
    {
        var start = new double[measured.Length];
        for (var k = 0; k < start.Length; k++)
        {
            start[k] = Math.Max(earlier.States![k] + measured[k] - earlier.Reads![k], 0);
        }

        return start;
    }

    /// <summary>The last reads solved in full in a series, the states found for them, and the linearization there
    /// (M of the Jacobian and the model's reads), all in the wide layout.</summary>
    private sealed class Solution
    {
        public double[]? Reads { get; set; }

        public double[]? States { get; set; }

        public double[]? Jacobian { get; set; }

        public double[]? Apparent { get; set; }
    }
}
