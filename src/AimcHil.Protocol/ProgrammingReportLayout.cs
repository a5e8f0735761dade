using AimcHil.Core;

namespace AimcHil.Protocol;

/// <summary>PROGRAM's response payload: the <see cref="ProgrammingReport"/> with every grid as raw little-endian values.</summary>
public static class ProgrammingReportLayout
{
    public static byte[] Encode(ProgrammingReport report)
    {
        var (targets, representable, achieved, pulses) = report.PerWeightGrids();
        int rows = targets.Rows, cols = targets.Cols;
        var w = new PayloadWriter(32 + (rows * cols * 16) + (report.Unconverged.Count * 8))
            .I32(report.Tile).I32(rows).I32(cols)
            .F32s(targets.Data).F32s(Same(representable, rows, cols)).F32s(Same(achieved, rows, cols))
            .I32s(Same(pulses, rows, cols)).I64(report.TotalPulses).I32(report.Unconverged.Count);
        foreach (var cell in report.Unconverged)
        {
            w.I32(cell.Row).I32(cell.Col);
        }

        return w.ToArray();
    }

    public static ProgrammingReport Decode(byte[] payload)
    {
        var r = new PayloadReader(payload);
        var tile = r.I32();
        var rows = r.Count("rows");
        var cols = r.Count("cols");
        var n = r.Cells(rows, cols);
        var report = new ProgrammingReport
        {
            Tile = tile,
            Targets = new Grid<float>(rows, cols, r.F32s(n)),
            Representable = new Grid<float>(rows, cols, r.F32s(n)),
            Achieved = new Grid<float>(rows, cols, r.F32s(n)),
            Pulses = new Grid<int>(rows, cols, r.I32s(n)),
            TotalPulses = r.I64(),
            Unconverged = ReadCells(r),
        };
        r.End();
        return report;
    }

    private static List<CellAddress> ReadCells(PayloadReader r)
    {
        var count = r.Count("unconverged cells");
        // Capacity from what the payload can hold, not from the count it claims: 2^24 claimed cells would reserve 128 MiB.
        var cells = new List<CellAddress>(Math.Min(count, r.Remaining / 8));
        for (var k = 0; k < count; k++)
        {
            cells.Add(new CellAddress(r.I32(), r.I32()));
        }

        return cells;
    }

    private static T[] Same<T>(Grid<T> grid, int rows, int cols) =>
        grid.Rows == rows && grid.Cols == cols
            ? grid.Data
            : throw new ArgumentException($"a report grid is {grid.Rows}×{grid.Cols}, the targets {rows}×{cols}");
}
