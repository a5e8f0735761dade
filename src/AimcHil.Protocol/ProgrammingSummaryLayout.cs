using AimcHil.Core;

namespace AimcHil.Protocol;

/// <summary>PROGRAM_CELLS's response payload (protocol 1.2): the short report (totals, pulse histogram, unconverged
/// weights), then the per-weight grids only when the request asked for them.</summary>
/// <remarks>Layout: <c>i32 tile, i32 rows, i32 cols, i64 total_pulses, u32 bins, u32 histogram[bins], u32
/// unconverged_count, u32 unconverged[count] (row · cols + col), bool per_weight</c>, then with per_weight
/// <c>f32 targets[n], f32 representable[n], f32 achieved[n], i32 pulses[n]</c>, n = rows · cols.</remarks>
public static class ProgrammingSummaryLayout
{
    /// <param name="requestShape">The request's targets' shape, for a report that lacks its own grids.</param>
    public static byte[] Encode(ProgrammingReport report, ProgrammingDetail detail, (int Rows, int Cols) requestShape)
    {
        var (rows, cols) = report.Targets is { } grid ? (grid.Rows, grid.Cols) : requestShape;
        var histogram = report.PulseHistogram;
        var perWeight = detail == ProgrammingDetail.PerWeight;
        var w = new PayloadWriter(33 + (histogram.Count * 4) + (report.Unconverged.Count * 4) + (perWeight ? rows * cols * 16 : 0))
            .I32(report.Tile).I32(rows).I32(cols).I64(report.TotalPulses).U32((uint)histogram.Count);
        foreach (var count in histogram)
        {
            w.U32((uint)Math.Min(count, uint.MaxValue));
        }

        w.U32((uint)report.Unconverged.Count);
        foreach (var cell in report.Unconverged)
        {
            w.U32((uint)((cell.Row * cols) + cell.Col));
        }

        w.Bool(perWeight);
        if (perWeight)
        {
            var (targets, representable, achieved, pulses) = report.PerWeightGrids();
            w.F32s(targets.Data).F32s(representable.Data).F32s(achieved.Data).I32s(pulses.Data);
        }

        return w.ToArray();
    }

    public static ProgrammingReport Decode(byte[] payload)
    {
        var r = new PayloadReader(payload);
        var tile = r.I32();
        var rows = r.Count("rows");
        var cols = r.Count("cols");
        var n = (long)rows * cols;
        var total = r.I64();
        var bins = r.U32();
        if (bins > (uint)(r.Remaining / 4))
        {
            throw new MalformedPayloadException($"a pulse histogram of {bins} bins does not fit in the {r.Remaining} bytes left");
        }

        var histogram = new long[bins];
        for (var k = 0; k < histogram.Length; k++)
        {
            histogram[k] = r.U32();
        }

        var count = r.U32();
        if (count > (uint)(r.Remaining / 4))
        {
            throw new MalformedPayloadException($"{count} unconverged weights do not fit in the {r.Remaining} bytes left");
        }

        var unconverged = new List<CellAddress>((int)count);
        for (var k = 0; k < count; k++)
        {
            var index = r.U32();
            if (index >= n)
            {
                throw new MalformedPayloadException($"unconverged weight {k} has index {index}, outside the {rows}×{cols} grid");
            }

            unconverged.Add(new CellAddress((int)(index / (uint)cols), (int)(index % (uint)cols)));
        }

        Grid<float>? targets = null, representable = null, achieved = null;
        Grid<int>? pulses = null;
        if (r.Bool())
        {
            var cells = r.Cells(rows, cols);
            targets = new Grid<float>(rows, cols, r.F32s(cells));
            representable = new Grid<float>(rows, cols, r.F32s(cells));
            achieved = new Grid<float>(rows, cols, r.F32s(cells));
            pulses = new Grid<int>(rows, cols, r.I32s(cells));
        }

        r.End();
        return new ProgrammingReport
        {
            Tile = tile,
            Targets = targets,
            Representable = representable,
            Achieved = achieved,
            Pulses = pulses,
            TotalPulses = total,
            Unconverged = unconverged,
            PulseHistogram = histogram,
        };
    }
}
