using AimcHil.Core;

namespace AimcHil.Protocol;

/// <summary>PROGRAM_CELLS's request payload (protocol 1.2): the write-verify options, the report wanted, and only the
/// cells programmed (all, gap-coded or as a bitmap, whichever is shortest) with their targets at
/// <see cref="Format"/>'s precision.</summary>
/// <remarks>Layout: <c>i32 tile, bool verify, f64 tolerance, i32 max_pulses_per_cell, i32 rows, i32 cols, u8 report
/// (0 summary, 1 per-weight), u8 target_format, u8 selection</c>, the selection's cells, then one target per selected
/// cell in row-major order: f32, or i16 t with target t / 16384 (|t| ≤ 16384).</remarks>
public sealed record ProgramCellsRequest(int Tile, Grid<float> Targets, WriteVerifyOptions Options, Grid<bool>? Only, TargetFormat Format, ProgrammingDetail Detail)
{
    public const float Q14Scale = 16384f;

    /// <summary>The largest grid a gap list may name (2^24 weights, 64 MiB of f32 targets at the rig).</summary>
    public const int MaxGapGridCells = 1 << 24;

    /// <summary>The request for these targets at <paramref name="format"/>, falling back to f32 when a selected target
    /// is not a weight in [-1, 1] (so the rig refuses it in its own words instead of receiving a clipped one).</summary>
    public static ProgramCellsRequest For(int tile, Grid<float> targets, WriteVerifyOptions options, Grid<bool>? only, TargetFormat format, ProgrammingDetail detail)
    {
        if (format == TargetFormat.Q14)
        {
            for (var k = 0; k < targets.Data.Length; k++)
            {
                var selected = only is null || (only.Data.Length == targets.Data.Length && only.Data[k]);
                if (selected && !(targets.Data[k] is >= -1f and <= 1f))
                {
                    format = TargetFormat.F32;
                    break;
                }
            }
        }

        return new ProgramCellsRequest(tile, targets, options, only, format, detail);
    }

    /// <summary>A target as Q14 travels and as the rig reads it back.</summary>
    public static float Q14(float target) => (short)MathF.Round(Math.Clamp(target, -1f, 1f) * Q14Scale) / Q14Scale;

    public byte[] Encode()
    {
        if (Only is not null && (Only.Rows != Targets.Rows || Only.Cols != Targets.Cols))
        {
            // The same refusal the chip gives a mismatched mask in process; PROGRAM_CELLS has one shape for both.
            throw new ArgumentException($"the cell selection is {Only.Rows}×{Only.Cols} but the targets are {Targets.Rows}×{Targets.Cols}", "only");
        }

        var cells = Selected();
        var selection = Only is null ? CellSelection.All : GapBytes(cells) < (Targets.Data.Length + 7) / 8 ? CellSelection.Gaps : CellSelection.Bitmap;
        var w = new PayloadWriter(36 + (cells.Length * 6))
            .I32(Tile).Bool(Options.Enabled).F64(Options.Tolerance).I32(Options.MaxPulsesPerCell)
            .I32(Targets.Rows).I32(Targets.Cols).U8((byte)Detail).U8((byte)Format).U8((byte)selection);
        if (selection == CellSelection.Gaps)
        {
            w.U32((uint)cells.Length);
            var previous = -1;
            foreach (var cell in cells)
            {
                Leb128(w, (uint)(cell - previous - 1));
                previous = cell;
            }
        }
        else if (selection == CellSelection.Bitmap)
        {
            w.Bits(Only!.Data);
        }

        foreach (var cell in cells)
        {
            var target = Targets.Data[cell];
            if (Format == TargetFormat.F32)
            {
                w.F32s(new ReadOnlySpan<float>(in target));
            }
            else
            {
                w.U16((ushort)(short)MathF.Round(Math.Clamp(target, -1f, 1f) * Q14Scale));
            }
        }

        return w.ToArray();
    }

    public static ProgramCellsRequest Decode(byte[] payload)
    {
        var r = new PayloadReader(payload);
        var tile = r.I32();
        var options = new WriteVerifyOptions(r.Bool(), r.F64(), r.I32());
        var rows = r.Count("rows");
        var cols = r.Count("cols");
        var detail = r.U8() switch
        {
            0 => ProgrammingDetail.Summary,
            1 => ProgrammingDetail.PerWeight,
            var b => throw new MalformedPayloadException($"report {b} is neither 0 (summary) nor 1 (per weight)"),
        };
        var format = r.U8() switch
        {
            0 => TargetFormat.F32,
            1 => TargetFormat.Q14,
            var b => throw new MalformedPayloadException($"target format {b} is neither 0 (f32) nor 1 (q14)"),
        };
        var selectionByte = r.U8();
        if (selectionByte > (byte)CellSelection.Bitmap)
        {
            throw new MalformedPayloadException($"cell selection {selectionByte} is not 0 (all), 1 (gaps) or 2 (bitmap)");
        }

        // A listed cell costs at least a byte and a bitmap cell a bit, so only a gap list may name a grid larger
        // than its payload; its size is still bounded, since the rig builds the grid.
        var n = selectionByte == (byte)CellSelection.Gaps ? GapGridCells(rows, cols) : r.Cells(rows, cols);
        Grid<bool>? only = null;
        int[] cells;
        switch (selectionByte)
        {
            case (byte)CellSelection.All:
                if ((long)n * (format == TargetFormat.F32 ? 4 : 2) > r.Remaining)
                {
                    throw new MalformedPayloadException($"the targets of all {n} cells of a {rows}×{cols} grid do not fit in the {r.Remaining} bytes left");
                }

                cells = [.. Enumerable.Range(0, n)];
                break;
            case (byte)CellSelection.Gaps:
                cells = ReadGaps(r, n);
                only = new Grid<bool>(rows, cols);
                foreach (var cell in cells)
                {
                    only.Data[cell] = true;
                }

                break;
            default:
                only = new Grid<bool>(rows, cols, r.Bits(n));
                cells = [.. Enumerable.Range(0, n).Where(k => only.Data[k])];
                break;
        }

        var targets = new Grid<float>(rows, cols);
        var values = format == TargetFormat.F32 ? r.F32s(cells.Length) : ReadQ14(r, cells.Length);
        for (var k = 0; k < cells.Length; k++)
        {
            targets.Data[cells[k]] = values[k];
        }

        r.End();
        return new ProgramCellsRequest(tile, targets, options, only, format, detail);
    }

    private int[] Selected() =>
        Only is null ? [.. Enumerable.Range(0, Targets.Data.Length)] : [.. Enumerable.Range(0, Only.Data.Length).Where(k => Only.Data[k])];

    private static int GapBytes(int[] cells)
    {
        var bytes = 4;
        var previous = -1;
        foreach (var cell in cells)
        {
            var gap = (uint)(cell - previous - 1);
            bytes += gap < 1u << 7 ? 1 : gap < 1u << 14 ? 2 : gap < 1u << 21 ? 3 : gap < 1u << 28 ? 4 : 5;
            previous = cell;
        }

        return bytes;
    }

    private static void Leb128(PayloadWriter w, uint value)
    {
        while (value >= 0x80)
        {
            w.U8((byte)(value | 0x80));
            value >>= 7;
        }

        w.U8((byte)value);
    }

    private static int GapGridCells(int rows, int cols)
    {
        var cells = (long)rows * cols;
        return cells <= MaxGapGridCells
            ? (int)cells
            : throw new MalformedPayloadException($"a {rows}×{cols} grid has more than {MaxGapGridCells} cells");
    }

    private static int[] ReadGaps(PayloadReader r, int n)
    {
        var count = r.U32();
        if (count > (uint)n || count > (uint)r.Remaining)
        {
            throw new MalformedPayloadException($"{count} cells listed, but the grid has {n} and the payload {r.Remaining} bytes left");
        }

        var cells = new int[count];
        long index = -1;
        for (var k = 0; k < cells.Length; k++)
        {
            ulong gap = 0;
            for (var shift = 0; ; shift += 7)
            {
                if (shift > 28)
                {
                    throw new MalformedPayloadException($"the gap before listed cell {k} is longer than 5 bytes");
                }

                var b = r.U8();
                gap |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    break;
                }
            }

            index += (long)gap + 1;
            if (index >= n)
            {
                throw new MalformedPayloadException($"listed cell {k} has index {index}, outside the {n} cells of the grid");
            }

            cells[k] = (int)index;
        }

        return cells;
    }

    private static float[] ReadQ14(PayloadReader r, int count)
    {
        var values = new float[count];
        for (var k = 0; k < count; k++)
        {
            var t = (short)r.U16();
            if (t is < -16384 or > 16384)
            {
                throw new MalformedPayloadException($"Q14 target {t} of listed cell {k} is outside ±16384 (a weight in [-1, 1])");
            }

            values[k] = t / Q14Scale;
        }

        return values;
    }
}
