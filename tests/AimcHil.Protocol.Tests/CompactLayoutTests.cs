using AimcHil.Core;
using AimcHil.Emulator;

namespace AimcHil.Protocol.Tests;

/// <summary>Specification of protocol 1.2's compact layouts: codes at their bit width, sparse PROGRAM_CELLS with Q14
/// targets, short reports and held column scales; what a malformed one is refused with, word for word; and that a
/// session below 1.2 does not know them.</summary>
public class CompactLayoutTests
{
    private const ulong Seed = 17;

    [Theory]
    [InlineData(1, true)]
    [InlineData(3, true)]
    [InlineData(6, true)]
    [InlineData(8, true)]
    [InlineData(12, true)]
    [InlineData(16, true)]
    [InlineData(32, true)]
    [InlineData(1, false)]
    [InlineData(10, false)]
    [InlineData(31, false)]
    public void CodesSurviveTheirWidthAndTakeExactlyThatManyBits(int bits, bool signed)
    {
        var (min, max) = PackedCodes.Range(bits, signed);
        var random = new Random(bits);
        var codes = new[] { (int)min, (int)max, 0 }.Concat(Enumerable.Range(0, 61).Select(_ => (int)random.NextInt64(min, max + 1))).ToArray();
        var writer = new PayloadWriter();

        PackedCodes.Write(writer, codes, bits, signed);
        var bytes = writer.ToArray();

        Assert.Equal(((codes.Length * bits) + 7) / 8, bytes.Length);
        Assert.Equal(codes, PackedCodes.Read(new PayloadReader(bytes), codes.Length, bits, signed));
        Assert.Equal(bits, PackedCodes.BitsFor(min, max, signed));
    }

    [Fact]
    public void ACodeThatDoesNotFitItsWidthIsNeverWrapped()
    {
        var e = Assert.Throws<ArgumentException>(() => PackedCodes.Write(new PayloadWriter(), [128], 8, signed: true));

        Assert.Equal("code 128 does not fit [-128, 127]", e.Message);
        // The host widens the field for such a code, so the rig sees it and refuses it in its own words.
        Assert.Equal(32, MvmPackedRequest.For(0, new Grid<int>(1, 2, [3, int.MinValue]), 0, 8).CodeBits);
    }

    [Theory]
    [InlineData(0, "a code width of 0 bits is outside 1..32")]
    [InlineData(1, "the padding bits after 2 codes of 6 bits are not zero")]
    [InlineData(2, "2 codes of 6 bits need 2 bytes, 1 are left")]
    [InlineData(3, "1 bytes left over after the last field")]
    public void AMalformedMvmPackedRequestIsRefusedWithWhatIsWrong(int fault, string message)
    {
        using var server = Greeted(2);
        var head = new PayloadWriter().I32(0).I32(1);
        var payload = fault switch
        {
            0 => head.I32(1).U32(0).U8(0).U8(0),
            1 => head.I32(2).U32(0).U8(6).U8(0xFF).U8(0xFF),
            2 => head.I32(2).U32(0).U8(6).U8(0x01),
            _ => head.I32(1).U32(0).U8(8).U8(0xFF).U8(0),
        };

        var answer = server.Ask(FrameByFrame.Request(2, Opcode.MvmPacked, payload.ToArray()));

        Assert.Equal((ErrorCode.BadPayload, message), Nak(answer));
    }

    [Theory]
    [InlineData(3, "cell selection 3 is not 0 (all), 1 (gaps) or 2 (bitmap)")]
    [InlineData(4, "Q14 target 16385 of listed cell 0 is outside ±16384 (a weight in [-1, 1])")]
    [InlineData(5, "listed cell 1 has index 4, outside the 4 cells of the grid")]
    [InlineData(6, "target format 2 is neither 0 (f32) nor 1 (q14)")]
    [InlineData(7, "report 2 is neither 0 (summary) nor 1 (per weight)")]
    [InlineData(8, "the targets of all 4 cells of a 2×2 grid do not fit in the 6 bytes left")]
    public void AMalformedProgramCellsRequestIsRefusedWithWhatIsWrong(int fault, string message)
    {
        using var server = Greeted(2);
        var head = new PayloadWriter().I32(0).Bool(true).F64(0.02).I32(20).I32(2).I32(2);
        var payload = fault switch
        {
            3 => head.U8(0).U8(1).U8(3),
            4 => head.U8(0).U8(1).U8(1).U32(1).U8(0).U16(16385),
            5 => head.U8(0).U8(1).U8(1).U32(2).U8(0).U8(3).U16(0).U16(0),
            6 => head.U8(0).U8(2).U8(0),
            7 => head.U8(2).U8(1).U8(0),
            _ => head.U8(0).U8(1).U8(0).U16(0).U16(0).U16(0),
        };

        var answer = server.Ask(FrameByFrame.Request(2, Opcode.ProgramCells, payload.ToArray()));

        Assert.Equal((ErrorCode.BadPayload, message), Nak(answer));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void ASessionBelow12DoesNotKnowThe12Opcodes(byte minor)
    {
        using var server = Greeted(minor);

        var mvm = server.Ask(FrameByFrame.Request(2, Opcode.MvmPacked, new MvmPackedRequest(0, new Grid<int>(1, 1, [1]), 0, 8).Encode()));
        var program = server.Ask(FrameByFrame.Request(3, Opcode.ProgramCells, ProgramCellsRequest.For(0, new Grid<float>(1, 1), WriteVerifyOptions.SinglePulse, null, TargetFormat.Q14, ProgrammingDetail.Summary).Encode()));

        Assert.Equal((ErrorCode.UnknownOpcode, $"MVM_PACKED is protocol 1.2; this session speaks 1.{minor}"), Nak(mvm));
        Assert.Equal((ErrorCode.UnknownOpcode, $"PROGRAM_CELLS is protocol 1.2; this session speaks 1.{minor}"), Nak(program));
    }

    [Fact]
    public void TheRigLeavesOutTheScalesTheHostHoldsAndSendsThemWhenTheyChange()
    {
        using var server = Greeted(2);
        server.Ask(FrameByFrame.Request(2, Opcode.ProgramCells, ProgramCellsRequest.For(0, VirtualRigTests.RandomWeights(32, 32, 1), WriteVerifyOptions.SinglePulse, null, TargetFormat.Q14, ProgrammingDetail.Summary).Encode()));
        var codes = VirtualRigTests.RandomCodes(4, 32, 127, 2);

        var first = server.Ask(FrameByFrame.Request(3, Opcode.MvmPacked, new MvmPackedRequest(0, codes, 0, 8).Encode()));
        var sent = MvmPackedResultLayout.Decode(first.Payload, _ => null);
        var second = server.Ask(FrameByFrame.Request(4, Opcode.MvmPacked, new MvmPackedRequest(0, codes, sent.ScalesCrc, 8).Encode()));
        var held = MvmPackedResultLayout.Decode(second.Payload, crc => crc == sent.ScalesCrc ? (sent.Result.MacPerCode, sent.Result.MacOffset) : null);
        var stale = server.Ask(FrameByFrame.Request(5, Opcode.MvmPacked, new MvmPackedRequest(0, codes, sent.ScalesCrc ^ 1, 8).Encode()));

        Assert.True(sent.ScalesSent);
        Assert.False(held.ScalesSent);
        Assert.Equal(first.Payload.Length - (32 * 16), second.Payload.Length);
        Assert.Equal(sent.Result.MacPerCode, held.Result.MacPerCode);
        Assert.True(MvmPackedResultLayout.Decode(stale.Payload, _ => null).ScalesSent);
        // 4 × 32 eight-bit codes: one byte each.
        Assert.Equal(12 + 2 + (4 * 32) + 5, second.Payload.Length);
    }

    [Fact]
    public void AnAnswerWithoutScalesTheHostDoesNotHoldIsMalformed()
    {
        var payload = MvmPackedResultLayout.Encode(
            new MvmResult { Codes = new Grid<int>(1, 1, [1]), MacPerCode = [1], MacOffset = [0], SaturatedOutputs = 0 }, -128, 127, MvmPackedResultLayout.ScalesCrc([1], [0]));

        var e = Assert.Throws<MalformedPayloadException>(() => MvmPackedResultLayout.Decode(payload, _ => null));

        Assert.Equal($"the column scales (CRC-32C 0x{MvmPackedResultLayout.ScalesCrc([1], [0]):X8}) were left out, but this host holds no scales with that CRC", e.Message);
    }

    /// <summary>Q14 targets (the default) program exactly what the in-process chip programs from the same targets
    /// rounded to Q14, and the short report is the in-process report's summary.</summary>
    [Fact]
    public void Q14TargetsProgramTheRoundedTargetsAndTheShortReportIsTheSummary()
    {
        var preset = VirtualRig.SmallPcm();
        using var direct = new EmulatedChip(preset, Seed);
        using var rig = new VirtualRig(new EmulatedChip(preset, Seed), new HostSessionOptions { Timeout = TimeSpan.FromSeconds(5) });
        var weights = VirtualRigTests.RandomWeights(32, 32, 1);
        var moved = new Grid<bool>(32, 32, Enumerable.Range(0, 1024).Select(k => k % 97 == 0).ToArray());
        var update = VirtualRigTests.RandomWeights(32, 32, 5);

        Same.Report(direct.Program(0, VirtualRigTests.Q14(weights), WriteVerifyOptions.Default), rig.Chip.Program(0, weights, WriteVerifyOptions.Default));
        var sparse = rig.Chip.Program(0, update, WriteVerifyOptions.Default, moved);
        var expected = direct.Program(0, VirtualRigTests.Q14(update), WriteVerifyOptions.Default, moved);

        Same.Report(expected, sparse);
        Assert.False(sparse.HasPerWeight);
        Assert.Equal(expected.PulseHistogram.Sum(), sparse.PulseHistogram.Sum());
        Same.States(direct.ReadBack(0), rig.Chip.ReadBack(0));
        var e = Assert.Throws<InvalidOperationException>(() => sparse.PerWeightGrids());
        Assert.Equal("the report of tile 0 is a short one (totals, pulse histogram, unconverged weights): program with ProgrammingDetail.PerWeight for the per-weight grids", e.Message);
    }

    [Fact]
    public void ATargetOutsideTheWeightRangeTravelsAsF32SoTheRigRefusesItInItsOwnWords()
    {
        var preset = VirtualRig.SmallPcm();
        using var direct = new EmulatedChip(preset, Seed);
        using var rig = new VirtualRig(new EmulatedChip(preset, Seed));
        var weights = new Grid<float>(2, 2, [0.5f, 1.5f, 0, 0]);

        var local = Assert.Throws<AimcException>(() => direct.Program(0, weights, WriteVerifyOptions.Default));
        var remote = Assert.Throws<AimcException>(() => rig.Chip.Program(0, weights, WriteVerifyOptions.Default));

        Assert.Equal(local.Message, remote.Message);
        Assert.Equal(TargetFormat.F32, ProgramCellsRequest.For(0, weights, WriteVerifyOptions.Default, null, TargetFormat.Q14, ProgrammingDetail.Summary).Format);
    }

    [Fact]
    public void AMaskOfAnotherShapeIsRefusedAsInProcess()
    {
        var preset = VirtualRig.SmallPcm();
        using var direct = new EmulatedChip(preset, Seed);
        using var rig = new VirtualRig(new EmulatedChip(preset, Seed));
        var weights = new Grid<float>(2, 2);
        var mask = new Grid<bool>(2, 3);

        var local = Assert.Throws<ArgumentException>(() => direct.Program(0, weights, WriteVerifyOptions.Default, mask));
        var remote = Assert.Throws<ArgumentException>(() => rig.Chip.Program(0, weights, WriteVerifyOptions.Default, mask));

        Assert.Equal(local.Message, remote.Message);
    }

    private static FrameByFrame Greeted(byte minor)
    {
        var server = new FrameByFrame(new DeviceServerOptions());
        Assert.Equal(FrameKind.Response, server.Ask(FrameByFrame.Hello(1, minor)).Kind);
        return server;
    }

    private static (ErrorCode, string) Nak(Frame answer)
    {
        Assert.Equal(FrameKind.Nak, answer.Kind);
        var nak = NakMessage.Decode(answer.Payload);
        return (nak.Code, nak.Message);
    }
}
