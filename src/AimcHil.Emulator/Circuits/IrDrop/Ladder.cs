namespace AimcHil.Emulator.Circuits;

/// <summary>LU factors (Thomas form) of one family of resistor ladders, each with its cells' devices to ground.</summary>
/// <remarks>
/// A ladder of nodes t = 0..n−1 with coupling a between neighbours and diagonal d_t is solved as
/// y_t = m_t·f_t + e_t·y_{t−1} forward, x_t = y_t + e_t·x_{t+1} backward, with m_t = 1/(d_t − a·e_{t−1}) and
/// e_t = a·m_t. Both coefficient arrays are stored per node (row-major), so word and bit ladders share one layout.
/// </remarks>
internal sealed class Ladder
{
    private Ladder(int nodeCount, double couplingSiemens, int lineCount, int lineStep, int length, int step)
    {
        CouplingSiemens = couplingSiemens;
        LineCount = lineCount;
        LineStep = lineStep;
        Length = length;
        Step = step;
        Pivot = new double[nodeCount];
        Carry = new double[nodeCount];
    }

    public double CouplingSiemens { get; }

    public double[] Pivot { get; }

    public double[] Carry { get; }

    private int LineCount { get; }

    private int LineStep { get; }

    private int Length { get; }

    private int Step { get; }

    /// <summary>Word line i: driver, then nodes j = 0..cols−1; the last node has no right neighbour.</summary>
    public static Ladder WordLines(double[] g, int rows, int cols, double wordSiemens)
    {
        var ladder = new Ladder(g.Length, wordSiemens, rows, cols, cols, 1);
        var diagonal = new double[g.Length];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                diagonal[(i * cols) + j] = g[(i * cols) + j] + (wordSiemens * (j + 1 < cols ? 2 : 1));
            }
        }

        ladder.Factor(diagonal);
        return ladder;
    }

    /// <summary>Bit line j: nodes i = 0..rows−1 from the open top end down to the sense node below the last.</summary>
    public static Ladder BitLines(double[] g, int rows, int cols, double bitSiemens, out double[] diagonal)
    {
        var ladder = new Ladder(g.Length, bitSiemens, cols, 1, rows, cols);
        diagonal = new double[g.Length];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                diagonal[(i * cols) + j] = g[(i * cols) + j] + (bitSiemens * (i > 0 ? 2 : 1));
            }
        }

        ladder.Factor(diagonal);
        return ladder;
    }

    /// <summary>Node voltages of every ladder when its end (driver or sense) is at 1 V and its devices' far ends at 0 V.</summary>
    public double[] UnitSourceResponse(bool atFirstNode)
    {
        var voltage = new double[Pivot.Length];
        var source = atFirstNode ? 0 : Length - 1;
        for (var line = 0; line < LineCount; line++)
        {
            var start = line * LineStep;
            var carried = 0.0;
            for (var t = 0; t < Length; t++)
            {
                var node = start + (t * Step);
                carried = (t == source ? Pivot[node] * CouplingSiemens : 0) + (Carry[node] * carried);
                voltage[node] = carried;
            }

            for (var t = Length - 2; t >= 0; t--)
            {
                var node = start + (t * Step);
                voltage[node] += Carry[node] * voltage[node + Step];
            }
        }

        return voltage;
    }

    /// <summary>M⁻¹·source for every ladder at once (node currents in, node voltages out).</summary>
    public double[] Solve(double[] source)
    {
        var voltage = new double[Pivot.Length];
        for (var line = 0; line < LineCount; line++)
        {
            var start = line * LineStep;
            var carried = 0.0;
            for (var t = 0; t < Length; t++)
            {
                var node = start + (t * Step);
                carried = (Pivot[node] * source[node]) + (Carry[node] * carried);
                voltage[node] = carried;
            }

            for (var t = Length - 2; t >= 0; t--)
            {
                var node = start + (t * Step);
                voltage[node] += Carry[node] * voltage[node + Step];
            }
        }

        return voltage;
    }

    private void Factor(double[] diagonal)
    {
        for (var line = 0; line < LineCount; line++)
        {
            var start = line * LineStep;
            var previousCarry = 0.0;
            for (var t = 0; t < Length; t++)
            {
                var node = start + (t * Step);
                var pivot = 1 / (diagonal[node] - (CouplingSiemens * previousCarry));
                Pivot[node] = pivot;
                Carry[node] = CouplingSiemens * pivot;
                previousCarry = Carry[node];
            }
        }
    }
}
