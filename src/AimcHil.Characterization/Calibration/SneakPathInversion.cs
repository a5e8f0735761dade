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


    /// <summary>Device states (normalized, arrays × rows × cols, array-major) from the apparent reads of one tile, whose
    /// arrays share the word lines (the network is rows × (arrays·cols)).</summary>
    public static float[] DeviceStates(ReadOnlySpan<float> apparent, int arrays, int rows, int cols) =>
        DeviceStates(apparent, arrays, rows, cols, null);

    /// <summary>As <see cref="DeviceStates(ReadOnlySpan{float}, int, int, int)"/>, started from the answer to earlier
    /// reads of the same array when there is one (the repeats of a timed read differ by read noise only, and
    /// ∂A_ij/∂G_ij = 1 carries the difference over to first order): a round or two instead of a cold start's five.</summary>
    private static float[] DeviceStates(ReadOnlySpan<float> apparent, int arrays, int rows, int cols, Solution? earlier)
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

        var states = Solve(measured, rows, wide, earlier is { } e && Close(e.Reads, measured) ? Started(e, measured) : null);
        if (earlier is not null)
        {
            earlier.Reads = measured;
            earlier.States = (double[])states.Clone();
        }
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
    private static double[] Solve(double[] measured, int rows, int wide, double[]? start)
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
        var step = new double[cells];
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

            if (largestResidual <= Tolerance)
            {
                break;
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

            ConjugateGradients(m, residual, reads, step);
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

    /// <summary>Solves M·x = b with M's diagonal (1/A²) as preconditioner.</summary>
    private static void ConjugateGradients(double[] m, double[] b, double[] apparent, double[] x)
    {
        var n = b.Length;
        Array.Clear(x);
        var r = (double[])b.Clone();
        var z = new double[n];
        var p = new double[n];
        var q = new double[n];
        for (var k = 0; k < n; k++)
        {
            z[k] = r[k] * apparent[k] * apparent[k];
        }

        z.CopyTo(p, 0);
        var rz = TensorPrimitives.Dot<double>(r, z);
        var start = Math.Sqrt(TensorPrimitives.Dot<double>(z, z));
        for (var iteration = 0; iteration < 4 * n && rz > 0; iteration++)
        {
            for (var k = 0; k < n; k++)
            {
                q[k] = TensorPrimitives.Dot<double>(m.AsSpan(k * n, n), p);
            }

            var alpha = rz / TensorPrimitives.Dot<double>(p, q);
            for (var k = 0; k < n; k++)
            {
                x[k] += alpha * p[k];
                r[k] -= alpha * q[k];
                z[k] = r[k] * apparent[k] * apparent[k];
            }

            if (Math.Sqrt(TensorPrimitives.Dot<double>(z, z)) <= 1e-12 * start)
            {
                break;
            }

            var next = TensorPrimitives.Dot<double>(r, z);
            for (var k = 0; k < n; k++)
            {
                p[k] = z[k] + (next / rz * p[k]);
            }

            rz = next;
        }
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
    public static IReadOnlyList<DataPoint> Devices(IReadOnlyList<DataPoint> points)
    {
        var earlier = new Solution();
        return points.Select(p => p.Arrays.TryGetValue("read_state", out var read)
            ? p with
            {
                Arrays = new Dictionary<string, PointArray>(p.Arrays)
                {
                    ["read_state"] = new PointArray(read.Shape, DeviceStates(read.Values, read.Shape[0], read.Shape[1], read.Shape[2], earlier)),
                },
            }
            : p).ToList();
    }

    /// <summary>Whether two sets of reads of one array are within a few per cent of each other everywhere.</summary>
    private static bool Close(double[]? earlier, double[] now)
    {
        if (earlier is null || earlier.Length != now.Length)
        {
            return false;
        }

        var scale = now.Average();
        for (var k = 0; k < now.Length; k++)
        {
            if (Math.Abs(now[k] - earlier[k]) > 0.05 * scale)
            {
                return false;
            }
        }

        return true;
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

    /// <summary>The last reads inverted in a series and the states found for them (wide layout).</summary>
    private sealed class Solution
    {
        public double[]? Reads { get; set; }

        public double[]? States { get; set; }
    }
}
