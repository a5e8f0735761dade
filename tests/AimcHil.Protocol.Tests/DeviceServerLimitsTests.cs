using AimcHil.Core;
using AimcHil.Emulator;

namespace AimcHil.Protocol.Tests;

/// <summary>Specification of what a device server refuses before the chip sees it (a pulse budget, a NaN tolerance,
/// an input code no DAC has), what its HELLO advertises to 1.0 and 1.1 hosts, and its shared-secret challenge:
/// right secret accepted, wrong or replayed answers refused.</summary>
public class DeviceServerLimitsTests
{
    private static readonly byte[] Secret = "a shared secret"u8.ToArray();

    [Fact]
    public void AProgramPastThePulseBudgetIsRefusedAtOnceInsteadOfRunningForDays()
    {
        using var rig = new VirtualRig(new EmulatedChip(VirtualRig.SmallPcm(), 1));

        var e = Assert.Throws<AimcException>(() => rig.Chip.Program(0, Weights(), new WriteVerifyOptions(true, 0, int.MaxValue)));

        Assert.Equal("write-verify budget of 2147483647 pulses per device: this rig allows 1 to 1000 per PROGRAM (its pulse budget); ask for fewer", e.Message);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(-0.1, "-0.1")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void AToleranceThatIsNoFractionIsABadArgument(double tolerance, string shown)
    {
        using var rig = new VirtualRig(new EmulatedChip(VirtualRig.SmallPcm(), 1));

        var e = Assert.Throws<AimcException>(() => rig.Chip.Program(0, Weights(), new WriteVerifyOptions(true, tolerance, 20)));

        Assert.Equal($"write-verify tolerance {shown}: must be a fraction of the device's state range, from 0 to 1 (e.g. 0.02)", e.Message);
    }

    [Fact]
    public void TheMostNegativeInt32InputCodeIsOutsideTheDacRangeNotAnInternalError()
    {
        using var rig = new VirtualRig(new EmulatedChip(VirtualRig.SmallPcm(), 1));
        rig.Chip.Program(0, Weights(), WriteVerifyOptions.SinglePulse);
        var max = rig.Chip.Info.InputCodeMax;

        var e = Assert.Throws<AimcException>(() => rig.Chip.Mvm(0, new Grid<int>(1, 2, [3, int.MinValue])));

        Assert.Equal($"input code -2147483648 is outside the {rig.Chip.Info.DacBits}-bit DAC range [-{max}, {max}]", e.Message);
    }

    [Fact]
    public void A11HostIsToldTheLimitsAndA10HostGetsThe10Layout()
    {
        using var server = new FrameByFrame(new DeviceServerOptions { IdleTimeout = TimeSpan.FromSeconds(60) });

        var current = RigHello.Decode(server.Ask(Hello(1, 1)).Payload);
        var old = server.Ask(Hello(1, 0)).Payload;

        Assert.Equal(new RigLimits(1000, 60000, 64 << 20), current.Limits);
        Assert.True(current.Capabilities.HasFlag(Capabilities.Limits));
        var decoded = RigHello.Decode(old);
        Assert.Null(decoded.Limits);
        Assert.Equal(ProtocolVersion.SchemaHash10, decoded.SchemaHash);
        Assert.Equal(new RigHello(1, ProtocolVersion.Minor, 8, 4096, 0x010000, ProtocolVersion.SchemaHash10, Capabilities.Reseed | Capabilities.VirtualClock, 1, "aimc-hil virtual rig").Encode(), old);
    }

    [Fact]
    public void TheRightSecretOpensTheRigAndTheRigProvesItHoldsItToo()
    {
        using var server = new FrameByFrame(new DeviceServerOptions { Secret = Secret });
        var hello = server.Ask(Hello(1, 1)).Payload;
        Assert.Equal(FrameKind.Nak, server.Ask(Request(2, Opcode.GetInfo, [])).Kind);
        using var server2 = new FrameByFrame(new DeviceServerOptions { Secret = Secret });
        var hello2 = server2.Ask(Hello(1, 1)).Payload;
        var nonce = RigAuthentication.NewNonce();

        var answer = server2.Ask(Request(2, Opcode.Auth, new AuthRequest(nonce, RigAuthentication.HostAnswer(Secret, hello2, nonce)).Encode()));

        Assert.Equal(FrameKind.Response, answer.Kind);
        Assert.Equal(RigAuthentication.RigProof(Secret, hello2, nonce), answer.Payload);
        Assert.Equal(FrameKind.Response, server2.Ask(Request(3, Opcode.GetInfo, [])).Kind);
        Assert.NotEqual(RigHello.Decode(hello).Challenge, RigHello.Decode(hello2).Challenge);
    }

    [Fact]
    public void AnAnswerRecordedOnOneConnectionIsRefusedOnAnotherAndOnItsOwn()
    {
        using var first = new FrameByFrame(new DeviceServerOptions { Secret = Secret });
        var hello = first.Ask(Hello(1, 1)).Payload;
        var nonce = RigAuthentication.NewNonce();
        var recorded = Request(2, Opcode.Auth, new AuthRequest(nonce, RigAuthentication.HostAnswer(Secret, hello, nonce)).Encode());
        Assert.Equal(FrameKind.Response, first.Ask(recorded).Kind);
        using var second = new FrameByFrame(new DeviceServerOptions { Secret = Secret });
        second.Ask(Hello(1, 1));

        var again = NakMessage.Decode(first.Ask(recorded).Payload);
        var elsewhere = NakMessage.Decode(second.Ask(recorded).Payload);

        Assert.Equal((ErrorCode.Auth, "AUTH without a fresh challenge (a replayed answer): each HELLO's challenge is answered once"), (again.Code, again.Message));
        Assert.Equal((ErrorCode.Auth, "wrong shared secret: the host's secret file differs from the rig's"), (elsewhere.Code, elsewhere.Message));
        Assert.Equal(["host authenticated", "host refused: AUTH without a fresh challenge (a replayed answer): each HELLO's challenge is answered once"], first.Log);
    }

    private static Grid<float> Weights() => new(32, 32, Enumerable.Range(0, 1024).Select(k => ((k % 9) - 4) / 4f).ToArray());

    private static Frame Hello(byte major, byte minor) => FrameByFrame.Hello(major, minor);

    private static Frame Request(ushort sequence, Opcode opcode, byte[] payload) => FrameByFrame.Request(sequence, opcode, payload);
}
