namespace AimcHil.Protocol;

/// <summary>CLOCK_GET's and CLOCK_ADVANCE's response payload: the chip's seconds (float64) and whether its clock is virtual.</summary>
public sealed record ClockReading(double Seconds, bool IsVirtual)
{
    public byte[] Encode() => new PayloadWriter(9).F64(Seconds).Bool(IsVirtual).ToArray();

    public static ClockReading Decode(byte[] payload)
    {
        var r = new PayloadReader(payload);
        var reading = new ClockReading(r.F64(), r.Bool());
        r.End();
        return reading;
    }
}
