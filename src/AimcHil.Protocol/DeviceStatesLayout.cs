using AimcHil.Core;

namespace AimcHil.Protocol;

/// <summary>READBACK's response payload: effective weights, then every device array with its name, full scale and unit.</summary>
public static class DeviceStatesLayout
{
    public static byte[] Encode(DeviceStates states)
    {
        var w = new PayloadWriter(16 + (states.Weights.Data.Length * 4 * (1 + states.Arrays.Count)))
            .I32(states.Tile).I32(states.Weights.Rows).I32(states.Weights.Cols).F32s(states.Weights.Data)
            .U16(checked((ushort)states.Arrays.Count));
        foreach (var a in states.Arrays)
        {
            w.Str(a.Name).F64(a.FullScale).Str(a.Unit).I32(a.States.Rows).I32(a.States.Cols).F32s(a.States.Data);
        }

        return w.ToArray();
    }

    public static DeviceStates Decode(byte[] payload)
    {
        var r = new PayloadReader(payload);
        var tile = r.I32();
        var rows = r.Count("rows");
        var cols = r.Count("cols");
        var weights = new Grid<float>(rows, cols, r.F32s(r.Cells(rows, cols)));
        var count = r.U16();
        var arrays = new List<DeviceArray>(count);
        for (var k = 0; k < count; k++)
        {
            var name = r.Str();
            var fullScale = r.F64();
            var unit = r.Str();
            var ar = r.Count("array rows");
            var ac = r.Count("array cols");
            arrays.Add(new DeviceArray(name, new Grid<float>(ar, ac, r.F32s(r.Cells(ar, ac))), fullScale, unit));
        }

        r.End();
        return new DeviceStates { Tile = tile, Weights = weights, Arrays = arrays };
    }
}
