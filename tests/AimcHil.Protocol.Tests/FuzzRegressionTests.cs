namespace AimcHil.Protocol.Tests;

/// <summary>Inputs the fuzzer (tools/fuzz) found to end in an exception other than the documented
/// <see cref="MalformedPayloadException"/>, kept so they stay fixed. Each payload is the shortest that showed it.</summary>
public class FuzzRegressionTests
{
    private const int Big = 1 << 24;

    /// <summary>Two dimensions the reader allows on their own (up to 2^24 each) whose product overflowed Int32: an
    /// OverflowException from a 12-byte payload, in every layout that carries a grid.</summary>
    public static TheoryData<string, byte[]> GridsPastInt32 => new()
    {
        { "MVM request", new PayloadWriter().I32(0).I32(Big).I32(Big).ToArray() },
        { "MVM result", new PayloadWriter().I32(Big).I32(Big).I32(0).ToArray() },
        { "PROGRAM request", new PayloadWriter().I32(0).Bool(false).Bool(true).F64(0.1).I32(5).I32(Big).I32(Big).ToArray() },
        { "PROGRAM mask", new PayloadWriter().I32(0).Bool(true).Bool(true).F64(0.1).I32(5).I32(0).I32(0).I32(Big).I32(Big).ToArray() },
        { "READBACK states", new PayloadWriter().I32(0).I32(Big).I32(Big).ToArray() },
        { "READBACK array", new PayloadWriter().I32(0).I32(0).I32(0).U16(1).Str("g").F64(1).Str("S").I32(Big).I32(Big).ToArray() },
        { "PROGRAM report", new PayloadWriter().I32(0).I32(Big).I32(Big).ToArray() },
    };

    [Theory]
    [MemberData(nameof(GridsPastInt32))]
    public void A_grid_larger_than_any_payload_is_malformed_not_an_overflow(string layout, byte[] payload)
    {
        Action decode = layout switch
        {
            "MVM request" => () => MvmRequest.Decode(payload),
            "MVM result" => () => MvmResultLayout.Decode(payload),
            "PROGRAM request" or "PROGRAM mask" => () => ProgramRequest.Decode(payload),
            "READBACK states" or "READBACK array" => () => DeviceStatesLayout.Decode(payload),
            _ => () => ProgrammingReportLayout.Decode(payload),
        };

        var e = Assert.Throws<MalformedPayloadException>(decode);
        Assert.Contains("does not fit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mask_of_nearly_int32_max_cells_is_malformed_not_an_out_of_range_span()
    {
        // 42966 × 49981 = 2^31 − 2 cells fit in Int32, but rounding them up to whole bytes overflowed into a negative length.
        var payload = new PayloadWriter().I32(0).Bool(true).Bool(true).F64(0.1).I32(5).I32(0).I32(0).I32(42966).I32(49981).ToArray();

        Assert.Throws<MalformedPayloadException>(() => ProgramRequest.Decode(payload));
    }

    [Fact]
    public void A_report_claiming_millions_of_unconverged_cells_does_not_reserve_memory_for_them()
    {
        // An empty 0×0 report that claims 2^24 unconverged cells and carries none.
        var payload = new PayloadWriter().I32(0).I32(0).I32(0).I64(0).I32(Big).ToArray();

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<MalformedPayloadException>(() => ProgrammingReportLayout.Decode(payload));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "decoding a 24-byte payload allocated over 1 MiB");
    }
}
