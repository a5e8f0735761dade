using AimcHil.Core;

namespace AimcHil.Protocol;

/// <summary>PROGRAM's request payload: tile, write-verify options, float32 targets and the optional cell mask.</summary>
public sealed record ProgramRequest(int Tile, Grid<float> Targets, WriteVerifyOptions Options, Grid<bool>? Only)
{
    /// <summary>The mask travels with its own shape, so a mismatched mask reaches the chip and fails there as it would in process.</summary>
    public byte[] Encode() => Write(Targets, Only).ToArray();

    public static ProgramRequest Decode(byte[] payload)
    {
        var r = new PayloadReader(payload);
        var tile = r.I32();
        var hasMask = r.Bool();
        var options = new WriteVerifyOptions(r.Bool(), r.F64(), r.I32());
        var rows = r.Count("rows");
        var cols = r.Count("cols");
        var targets = new Grid<float>(rows, cols, r.F32s(r.Cells(rows, cols)));
        Grid<bool>? only = null;
        if (hasMask)
        {
            var maskRows = r.Count("mask rows");
            var maskCols = r.Count("mask cols");
            only = new Grid<bool>(maskRows, maskCols, r.Bits(r.Cells(maskRows, maskCols)));
        }

        r.End();
        return new ProgramRequest(tile, targets, options, only);
    }

    private PayloadWriter Write(Grid<float> targets, Grid<bool>? only)
    {
        var w = new PayloadWriter(32 + (targets.Data.Length * 4) + (only is null ? 0 : (only.Data.Length / 8) + 9))
            .I32(Tile).Bool(only is not null).Bool(Options.Enabled).F64(Options.Tolerance).I32(Options.MaxPulsesPerCell)
            .I32(targets.Rows).I32(targets.Cols).F32s(targets.Data);
        if (only is not null)
        {
            w.I32(only.Rows).I32(only.Cols).Bits(only.Data);
        }

        return w;
    }
}
