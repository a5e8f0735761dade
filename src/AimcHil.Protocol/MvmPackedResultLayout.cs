using AimcHil.Core;

namespace AimcHil.Protocol;

/// <summary>MVM_PACKED's response payload (protocol 1.2): batch, cols, saturated outputs, the ADC codes packed at
/// their width, the CRC-32C of the column scales, and the scales themselves only when the host does not hold them.</summary>
public static class MvmPackedResultLayout
{
    /// <summary>CRC-32C of the scales as they travel (f64 mac_per_code[cols] then f64 mac_offset[cols]).</summary>
    public static uint ScalesCrc(double[] macPerCode, double[] macOffset) =>
        Crc32C.Compute(new PayloadWriter(16 * macPerCode.Length).F64s(macPerCode).F64s(macOffset).ToArray());

    /// <summary>Encodes the result with codes at the ADC's width (<paramref name="adcCodeMin"/> to
    /// <paramref name="adcCodeMax"/>, signed when the minimum is negative), widened if a code falls outside it, and
    /// the scales left out when their CRC is <paramref name="knownScales"/>.</summary>
    public static byte[] Encode(MvmResult result, int adcCodeMin, int adcCodeMax, uint knownScales)
    {
        int batch = result.Codes.Rows, cols = result.Codes.Cols;
        if (result.MacPerCode.Length != cols || result.MacOffset.Length != cols)
        {
            throw new ArgumentException($"an MVM result with {cols} columns has {result.MacPerCode.Length} scales and {result.MacOffset.Length} offsets");
        }

        long min = adcCodeMin, max = adcCodeMax;
        foreach (var code in result.Codes.Data)
        {
            min = Math.Min(min, code);
            max = Math.Max(max, code);
        }

        var signed = min < 0;
        var bits = PackedCodes.BitsFor(min, max, signed);
        var crc = ScalesCrc(result.MacPerCode, result.MacOffset);
        var withScales = crc != knownScales || knownScales == 0;
        var w = new PayloadWriter(19 + PackedCodes.ByteCount(batch * cols, bits) + (withScales ? cols * 16 : 0))
            .I32(batch).I32(cols).I32(result.SaturatedOutputs).U8((byte)bits).Bool(signed);
        PackedCodes.Write(w, result.Codes.Data, bits, signed);
        w.U32(crc).Bool(withScales);
        if (withScales)
        {
            w.F64s(result.MacPerCode).F64s(result.MacOffset);
        }

        return w.ToArray();
    }

    /// <summary>Decodes a result; when the rig left the scales out, <paramref name="held"/> gives the ones with that
    /// CRC (null when the host holds none, which the rig should not have assumed).</summary>
    public static MvmPackedResult Decode(byte[] payload, Func<uint, (double[] MacPerCode, double[] MacOffset)?> held)
    {
        var r = new PayloadReader(payload);
        var batch = r.Count("batch");
        var cols = r.Count("cols");
        var saturated = r.I32();
        var bits = r.U8();
        var signed = r.Bool();
        var codes = PackedCodes.Read(r, r.Cells(batch, cols), bits, signed);
        var crc = r.U32();
        double[] perCode, offset;
        var sent = r.Bool();
        if (sent)
        {
            perCode = r.F64s(cols);
            offset = r.F64s(cols);
            if (ScalesCrc(perCode, offset) != crc)
            {
                throw new MalformedPayloadException($"the column scales do not match their CRC-32C 0x{crc:X8}");
            }
        }
        else
        {
            (perCode, offset) = held(crc) ?? throw new MalformedPayloadException($"the column scales (CRC-32C 0x{crc:X8}) were left out, but this host holds no scales with that CRC");
            if (perCode.Length != cols)
            {
                throw new MalformedPayloadException($"the column scales held for CRC-32C 0x{crc:X8} are for {perCode.Length} columns, the answer has {cols}");
            }
        }

        r.End();
        var result = new MvmResult { Codes = new Grid<int>(batch, cols, codes), MacPerCode = perCode, MacOffset = offset, SaturatedOutputs = saturated };
        return new MvmPackedResult(result, crc, sent);
    }
}
