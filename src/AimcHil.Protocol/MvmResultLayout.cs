using AimcHil.Core;

namespace AimcHil.Protocol;

/// <summary>MVM's response payload: batch, cols, saturated outputs, i32 codes, then float64 MacPerCode and MacOffset per column.</summary>
public static class MvmResultLayout
{
    public static byte[] Encode(MvmResult result)
    {
        int batch = result.Codes.Rows, cols = result.Codes.Cols;
        if (result.MacPerCode.Length != cols || result.MacOffset.Length != cols)
        {
            throw new ArgumentException($"an MVM result with {cols} columns has {result.MacPerCode.Length} scales and {result.MacOffset.Length} offsets");
        }

        return new PayloadWriter(12 + (batch * cols * 4) + (cols * 16))
            .I32(batch).I32(cols).I32(result.SaturatedOutputs)
            .I32s(result.Codes.Data).F64s(result.MacPerCode).F64s(result.MacOffset).ToArray();
    }

    public static MvmResult Decode(byte[] payload)
    {
        var r = new PayloadReader(payload);
        var batch = r.Count("batch");
        var cols = r.Count("cols");
        var saturated = r.I32();
        var result = new MvmResult
        {
            SaturatedOutputs = saturated,
            Codes = new Grid<int>(batch, cols, r.I32s(r.Cells(batch, cols))),
            MacPerCode = r.F64s(cols),
            MacOffset = r.F64s(cols),
        };
        r.End();
        return result;
    }
}
