using AimcHil.Core;

namespace AimcHil.Protocol;

/// <summary>MVM_PACKED's request payload (protocol 1.2): tile, batch, n, the CRC of the column scales the host holds
/// for this tile (0: none), then batch × n signed input codes packed at <paramref name="CodeBits"/> each.</summary>
/// <param name="KnownScales">CRC-32C of the scales the host already holds for the tile; the rig leaves them out of
/// its answer when they are still the same.</param>
/// <param name="CodeBits">The DAC's width, or wider when a code does not fit it (the rig then refuses the code in
/// its own words instead of receiving a wrapped one).</param>
public sealed record MvmPackedRequest(int Tile, Grid<int> InputCodes, uint KnownScales, int CodeBits)
{
    /// <summary>A request whose codes travel at <paramref name="dacBits"/>, widened only if a code needs more.</summary>
    public static MvmPackedRequest For(int tile, Grid<int> inputCodes, uint knownScales, int dacBits)
    {
        long min = 0, max = 0;
        foreach (var code in inputCodes.Data)
        {
            min = Math.Min(min, code);
            max = Math.Max(max, code);
        }

        return new MvmPackedRequest(tile, inputCodes, knownScales, Math.Max(dacBits, PackedCodes.BitsFor(min, max, signed: true)));
    }

    public byte[] Encode()
    {
        var w = new PayloadWriter(17 + PackedCodes.ByteCount(InputCodes.Data.Length, CodeBits))
            .I32(Tile).I32(InputCodes.Rows).I32(InputCodes.Cols).U32(KnownScales).U8((byte)CodeBits);
        PackedCodes.Write(w, InputCodes.Data, CodeBits, signed: true);
        return w.ToArray();
    }

    public static MvmPackedRequest Decode(byte[] payload)
    {
        var r = new PayloadReader(payload);
        var tile = r.I32();
        var batch = r.Count("batch");
        var n = r.Count("n");
        var known = r.U32();
        var bits = r.U8();
        var codes = PackedCodes.Read(r, r.Cells(batch, n), bits, signed: true);
        r.End();
        return new MvmPackedRequest(tile, new Grid<int>(batch, n, codes), known, bits);
    }
}
