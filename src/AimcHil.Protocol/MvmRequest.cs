using AimcHil.Core;

namespace AimcHil.Protocol;

/// <summary>MVM's request payload: tile, batch, n, then batch × n signed input codes as i32, row-major.</summary>
public sealed record MvmRequest(int Tile, Grid<int> InputCodes)
{
    public byte[] Encode() => new PayloadWriter(12 + (InputCodes.Data.Length * 4))
        .I32(Tile).I32(InputCodes.Rows).I32(InputCodes.Cols).I32s(InputCodes.Data).ToArray();

    public static MvmRequest Decode(byte[] payload)
    {
        var r = new PayloadReader(payload);
        var tile = r.I32();
        var batch = r.Count("batch");
        var n = r.Count("n");
        var request = new MvmRequest(tile, new Grid<int>(batch, n, r.I32s(r.Cells(batch, n))));
        r.End();
        return request;
    }
}
