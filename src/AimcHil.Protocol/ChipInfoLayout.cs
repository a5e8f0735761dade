using AimcHil.Core;

namespace AimcHil.Protocol;

/// <summary>GET_INFO's response payload: <see cref="ChipInfo"/> field by field, non-idealities included.</summary>
public static class ChipInfoLayout
{
    public static byte[] Encode(ChipInfo info)
    {
        var w = new PayloadWriter(256)
            .Str(info.Name).U8((byte)info.Domain).U8((byte)info.Device).U8((byte)info.WeightEncoding).U8(0)
            .I32(info.Rows).I32(info.Cols).I32(info.Tiles).I32(info.WeightLevels).I32(info.DacBits).I32(info.AdcBits)
            .F64(info.InputFullScale).Str(info.InputUnit).F64(info.OutputFullScale).Str(info.OutputUnit)
            .F64(info.MacFullScale).I32(info.AdcCodeMin).I32(info.AdcCodeMax).Str(info.Transport)
            .U16(checked((ushort)info.NonIdealities.Count));
        foreach (var n in info.NonIdealities)
        {
            w.Str(n.Name).Bool(n.Enabled).F64(n.Value).Str(n.Unit).Str(n.Description);
        }

        return w.ToArray();
    }

    public static ChipInfo Decode(byte[] payload)
    {
        var r = new PayloadReader(payload);
        var name = r.Str();
        var domain = Enum<ComputationDomain>(r.U8(), "domain");
        var device = Enum<DeviceTechnology>(r.U8(), "device");
        var encoding = Enum<WeightEncoding>(r.U8(), "weight encoding");
        r.U8();
        var info = new ChipInfo
        {
            Name = name,
            Domain = domain,
            Device = device,
            WeightEncoding = encoding,
            Rows = r.I32(),
            Cols = r.I32(),
            Tiles = r.I32(),
            WeightLevels = r.I32(),
            DacBits = r.I32(),
            AdcBits = r.I32(),
            InputFullScale = r.F64(),
            InputUnit = r.Str(),
            OutputFullScale = r.F64(),
            OutputUnit = r.Str(),
            MacFullScale = r.F64(),
            AdcCodeMin = r.I32(),
            AdcCodeMax = r.I32(),
            Transport = r.Str(),
            NonIdealities = ReadNonIdealities(r),
        };
        r.End();
        return info;
    }

    private static List<NonIdeality> ReadNonIdealities(PayloadReader r)
    {
        var count = r.U16();
        var list = new List<NonIdeality>(count);
        for (var k = 0; k < count; k++)
        {
            list.Add(new NonIdeality(r.Str(), r.Bool(), r.F64(), r.Str(), r.Str()));
        }

        return list;
    }

    private static T Enum<T>(byte value, string what)
        where T : struct, Enum
    {
        var e = (T)(object)(int)value;
        return System.Enum.IsDefined(e) ? e : throw new MalformedPayloadException($"{what} {value} is not one this host knows");
    }
}
