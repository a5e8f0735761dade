using NodalMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace AimcHil.Emulator.Circuits;

/// <summary>Conductance a single-cell read reports for each cell of a crossbar, sneak paths of a passive array included.</summary>
public static class SneakPathRead
{
    /// <summary>Apparent conductance (rows×cols, row-major) of every cell read alone, with ideal (zero-ohm) wires.</summary>
    /// <remarks>
    /// With access transistors (1T1R) only the selected row conducts, so every cell reads exactly its own G.
    /// Without them (passive 1R) the unselected lines float, so the sense amplifier sees the two-terminal conductance
    /// between the selected row line and the selected column line of the whole array, taken as a bipartite resistor
    /// network (rows + cols line nodes, cell (i,j) an edge of conductance G[i,j]). That is 1/R_eff with
    /// R_eff(a,b) = Y_aa + Y_bb − 2·Y_ab, Y the inverse of the network's Laplacian grounded at one node (ground row and
    /// column of Y taken as zero), found once per connected component by dense Cholesky.
    /// <para>
    /// Zero-conductance cells are absent edges. A cell whose row and column lie in different components (no path at
    /// all, e.g. an all-zero row) reads 0 S; a zero-conductance cell whose row and column are still connected through
    /// other cells reads the sneak conductance alone, as a real passive read of an off cell would.
    /// </para>
    /// </remarks>
    public static double[] ApparentConductance(ReadOnlySpan<double> conductanceSiemens, int rows, int cols, bool accessTransistors)
    {
        IrDropNetwork.ValidateTile(conductanceSiemens, rows, cols);
        if (accessTransistors)
        {
            return conductanceSiemens.ToArray();
        }

        // Line nodes: rows 0..rows−1, then column j as rows + j.
        var component = Components(conductanceSiemens, rows, cols);
        var lineCount = rows + cols;
        var groundedInverse = new double[lineCount][];
        var indexInComponent = new int[lineCount];
        var members = new Dictionary<int, List<int>>();
        for (var line = 0; line < lineCount; line++)
        {
            if (!members.TryGetValue(component[line], out var list))
            {
                list = [];
                members[component[line]] = list;
            }

            indexInComponent[line] = list.Count;
            list.Add(line);
        }

        foreach (var list in members.Values)
        {
            var inverse = GroundedInverse(conductanceSiemens, rows, cols, list);
            foreach (var line in list)
            {
                groundedInverse[line] = inverse[indexInComponent[line]];
            }
        }

        var apparent = new double[rows * cols];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                var column = rows + j;
                if (component[i] != component[column])
                {
                    continue;
                }

                var a = indexInComponent[i];
                var b = indexInComponent[column];
                var resistanceOhm = groundedInverse[i][a] + groundedInverse[column][b] - (2 * groundedInverse[i][b]);
                apparent[(i * cols) + j] = 1 / resistanceOhm;
            }
        }

        return apparent;
    }

    /// <summary>Rows of Y (component-local indexing), the Laplacian inverse grounded at the component's first line.</summary>
    private static double[][] GroundedInverse(ReadOnlySpan<double> g, int rows, int cols, List<int> lines)
    {
        var size = lines.Count;
        var rowsOfY = new double[size][];
        for (var k = 0; k < size; k++)
        {
            rowsOfY[k] = new double[size];
        }

        if (size == 1)
        {
            return rowsOfY;
        }

        // Grounding line 0 of the component removes the Laplacian's null space (the common potential) and keeps it
        // SPD without mixing in an artificial scale, which a J/n shift would do for microsiemens conductances.
        var local = new Dictionary<int, int>(size);
        for (var k = 0; k < size; k++)
        {
            local[lines[k]] = k;
        }

        var laplacian = NodalMatrix.Build.Dense(size - 1, size - 1);
        foreach (var line in lines)
        {
            if (line >= rows)
            {
                continue;
            }

            var a = local[line];
            for (var j = 0; j < cols; j++)
            {
                var conductance = g[(line * cols) + j];
                if (conductance == 0)
                {
                    continue;
                }

                var b = local[rows + j];
                if (a > 0)
                {
                    laplacian[a - 1, a - 1] += conductance;
                }

                if (b > 0)
                {
                    laplacian[b - 1, b - 1] += conductance;
                }

                if (a > 0 && b > 0)
                {
                    laplacian[a - 1, b - 1] -= conductance;
                    laplacian[b - 1, a - 1] -= conductance;
                }
            }
        }

        var inverse = laplacian.Cholesky().Solve(NodalMatrix.Build.DenseIdentity(size - 1));
        for (var k = 1; k < size; k++)
        {
            for (var m = 1; m < size; m++)
            {
                rowsOfY[k][m] = inverse[k - 1, m - 1];
            }
        }

        return rowsOfY;
    }

    /// <summary>Connected-component label of every line node, joined by the nonzero-conductance cells.</summary>
    private static int[] Components(ReadOnlySpan<double> g, int rows, int cols)
    {
        var parent = new int[rows + cols];
        for (var n = 0; n < parent.Length; n++)
        {
            parent[n] = n;
        }

        int Root(int n)
        {
            while (parent[n] != n)
            {
                parent[n] = parent[parent[n]];
                n = parent[n];
            }

            return n;
        }

        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                if (g[(i * cols) + j] > 0)
                {
                    var a = Root(i);
                    var b = Root(rows + j);
                    if (a != b)
                    {
                        parent[a] = b;
                    }
                }
            }
        }

        var label = new int[parent.Length];
        for (var n = 0; n < parent.Length; n++)
        {
            label[n] = Root(n);
        }

        return label;
    }
}
