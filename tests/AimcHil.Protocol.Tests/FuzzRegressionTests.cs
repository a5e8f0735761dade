using System.Diagnostics;
using AimcHil.Core;
using AimcHil.Emulator;

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

    /// <summary>Found by the session target: the server's INTERNAL answer is its stack trace (an exception it did not
    /// expect). Minimal script: HELLO, then MVM tile 0 with one input code −2^31.</summary>
    [Fact]
    public void An_input_code_of_int32_min_is_refused_as_a_chip_error_not_internal()
    {
        var codes = new int[8];
        codes[0] = int.MinValue;
        var answer = Serve(new Frame(FrameKind.Request, 1, Opcode.Mvm, FrameFlags.None, new MvmRequest(0, new Grid<int>(1, 8, codes)).Encode()));

        Assert.Equal(FrameKind.Nak, answer.Kind);
        Assert.Equal(ErrorCode.Chip, NakMessage.Decode(answer.Payload).Code);
    }

    /// <summary>Found by the session target as a hang (afl-fuzz's 3 s limit; 10 s here): write-verify to tolerance 0 with
    /// a pulse budget of 2^23 per cell on 64 cells. Issue 11 item 3: every request is bounded.</summary>
    [Fact]
    public void A_program_request_past_the_advertised_pulse_budget_is_refused_before_the_chip_is_touched()
    {
        var targets = new Grid<float>(8, 8, Enumerable.Range(0, 64).Select(i => (i % 9 / 4f) - 1).ToArray());
        var request = new ProgramRequest(0, targets, new WriteVerifyOptions(true, 0, int.MaxValue), null).Encode();

        var answer = Serve(new Frame(FrameKind.Request, 1, Opcode.Program, FrameFlags.None, request));

        Assert.Equal(FrameKind.Nak, answer.Kind);
        Assert.Equal(ErrorCode.Chip, NakMessage.Decode(answer.Payload).Code);
    }

    /// <summary>Found by the session target as an OutOfMemoryException under the fuzzer's 1 GiB heap: an MVM object of
    /// millions of 8-input vectors fits the 64 MiB object limit, but the work for it does not fit memory.</summary>
    [Fact]
    public void An_mvm_of_more_vectors_than_the_rig_takes_is_refused_as_too_large()
    {
        var answer = Serve(new Frame(FrameKind.Request, 1, Opcode.Mvm, FrameFlags.None, new MvmRequest(0, new Grid<int>(65537, 8)).Encode()));

        Assert.Equal(FrameKind.Nak, answer.Kind);
        var nak = NakMessage.Decode(answer.Payload);
        Assert.Equal(ErrorCode.TooLarge, nak.Code);
        Assert.Equal("an MVM of 65537 vectors: this rig takes at most 65536 per request; send fewer", nak.Message);
    }

    /// <summary>The session target's server (8×8, two tiles, seed 11) after HELLO: its last answer to the request.</summary>
    private static Frame Serve(Frame request)
    {
        using var chip = new EmulatedChip(VirtualRig.SmallPcm() with { Rows = 8, Cols = 8 }, 11);
        var line = new MemoryStream();
        var server = new DeviceServer(chip, line, new DeviceServerOptions { AnnounceBoot = false });
        server.Handle(new Frame(FrameKind.Request, 0, Opcode.Hello, FrameFlags.None, new HelloRequest(ProtocolVersion.Major, ProtocolVersion.Minor, 4096, 8).Encode()));
        server.Handle(request);
        return new FrameDecoder().Push(line.ToArray())[^1];
    }
}
