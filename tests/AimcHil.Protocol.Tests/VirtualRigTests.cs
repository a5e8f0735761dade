using System.Diagnostics;
using AimcHil.Core;
using AimcHil.Emulator;

namespace AimcHil.Protocol.Tests;

/// <summary>The emulator over the wire is the emulator: same seed, same calls, same bits; lost frames, silent rigs
/// and rebooted rigs behave as PROTOCOL.md says.</summary>
public class VirtualRigTests
{
    private const ulong Seed = 17;

    private static readonly HostSessionOptions Quick = new() { Timeout = TimeSpan.FromMilliseconds(300) };

    [Fact]
    public void OverTheWireEveryResultIsBitIdenticalToTheChipInProcess()
    {
        var preset = VirtualRig.SmallPcm();
        using var direct = new EmulatedChip(preset, Seed);
        using var rig = new VirtualRig(new EmulatedChip(preset, Seed));
        var chip = rig.Chip;
        var weights = RandomWeights(32, 32, 1);
        var inputs = RandomCodes(24, 32, direct.Info.InputCodeMax, 2);
        var moved = new Grid<bool>(32, 32, Enumerable.Range(0, 1024).Select(k => k % 7 == 0).ToArray());

        Assert.Equal(direct.Info with { Transport = "virtual", NonIdealities = [] }, chip.Info with { NonIdealities = [] });
        Assert.Equal(direct.Info.NonIdealities, chip.Info.NonIdealities);
        Same.Report(direct.Program(0, weights, WriteVerifyOptions.Default), chip.Program(0, weights, WriteVerifyOptions.Default));
        Same.Report(direct.Program(1, weights.TopLeft(20, 10), WriteVerifyOptions.SinglePulse), chip.Program(1, weights.TopLeft(20, 10), WriteVerifyOptions.SinglePulse));
        Same.Mvm(direct.Mvm(0, inputs), chip.Mvm(0, inputs));
        direct.Clock.Advance(3600);
        chip.Clock.Advance(3600);
        Assert.Equal(direct.Clock.Seconds, chip.Clock.Seconds);
        Assert.True(chip.Clock.IsVirtual);
        Same.Mvm(direct.Mvm(0, inputs), chip.Mvm(0, inputs));
        Same.Report(direct.Program(0, RandomWeights(32, 32, 3), WriteVerifyOptions.Default, moved), chip.Program(0, RandomWeights(32, 32, 3), WriteVerifyOptions.Default, moved));
        Same.States(direct.ReadBack(0), chip.ReadBack(0));
        direct.Reseed(42);
        chip.Reseed(42);
        Same.Mvm(direct.Mvm(1, inputs.TopLeft(5, 20)), chip.Mvm(1, inputs.TopLeft(5, 20)));
        Assert.Equal(0, rig.Chip.Session.Counters.Retries);
    }

    [Fact]
    public void ALostResponseIsAnsweredFromTheCacheAndTheChipSeesTheCallOnce()
    {
        var preset = VirtualRig.SmallPcm();
        using var direct = new EmulatedChip(preset, Seed);
        var served = new CountingChip(new EmulatedChip(preset, Seed));
        using var rig = new VirtualRig(served, Quick);
        var weights = RandomWeights(32, 32, 1);
        var small = RandomCodes(2, 32, direct.Info.InputCodeMax, 2);
        direct.Program(0, weights, WriteVerifyOptions.Default);
        rig.Chip.Program(0, weights, WriteVerifyOptions.Default);
        rig.Device.WriteFilter = DropOnce(f => f.Kind == FrameKind.Response && f.Opcode == Opcode.Mvm);

        // Programming may itself take a retry on a slow first call (the chip's first compute view is built, and its
        // code compiled, when a tile is programmed): count only what the lost MVM response adds.
        var cachedBefore = rig.Server.Counters.AnsweredFromCache;
        var retriesBefore = rig.Chip.Session.Counters.Retries;
        var overWire = rig.Chip.Mvm(0, small);

        Same.Mvm(direct.Mvm(0, small), overWire);
        Assert.Equal(1, served.Mvms);
        Assert.Equal(cachedBefore + 1, rig.Server.Counters.AnsweredFromCache);
        Assert.Equal(retriesBefore + 1, rig.Chip.Session.Counters.Retries);
        Same.Mvm(direct.Mvm(0, small), rig.Chip.Mvm(0, small));
    }

    [Fact]
    public void LostDataFramesInBothDirectionsAreSentAgain()
    {
        var preset = VirtualRig.SmallPcm();
        using var direct = new EmulatedChip(preset, Seed);
        using var rig = new VirtualRig(new EmulatedChip(preset, Seed), Quick);
        var weights = RandomWeights(32, 32, 1);
        var inputs = RandomCodes(64, 32, direct.Info.InputCodeMax, 2);
        rig.Host.WriteFilter = DropOnce(f => f.Kind == FrameKind.Data && DataChunk.Decode(f.Payload).Offset > 0);
        rig.Device.WriteFilter = DropOnce(f => f.Kind == FrameKind.Data && DataChunk.Decode(f.Payload).Offset > 4092);

        Same.Report(direct.Program(0, weights, WriteVerifyOptions.Default), rig.Chip.Program(0, weights, WriteVerifyOptions.Default));
        Same.Mvm(direct.Mvm(0, inputs), rig.Chip.Mvm(0, inputs));
        Assert.True(rig.Chip.Session.Counters.Retries >= 2);
    }

    [Fact]
    public void ATimeoutShorterThanAnyRigAnswersBlamesTheTimeoutNotTheBridge()
    {
        using var pipe = new AimcHil.Hardware.DuplexPipe();
        using var session = new HostSession(pipe.Host, "127.0.0.1:5025", new HostSessionOptions { Timeout = TimeSpan.FromMilliseconds(1), Attempts = 3 });

        var e = Assert.Throws<AimcException>(() => session.Handshake());

        Assert.Equal("rig on 127.0.0.1:5025 did not answer HELLO within 1 ms after 3 attempts: 1 ms is less than a rig takes to answer; allow 50 ms or more (timeout_ms, --timeout-ms)", e.Message);
    }

    [Fact]
    public void ARigThatNeverAnswersFailsWithTheExactMessageWithinTheTimeout()
    {
        using var pipe = new AimcHil.Hardware.DuplexPipe();
        using var session = new HostSession(pipe.Host, "/dev/ttyACM0");
        var clock = Stopwatch.StartNew();

        var e = Assert.Throws<AimcException>(() => session.Handshake());

        Assert.Equal("rig on /dev/ttyACM0 did not answer HELLO within 500 ms after 3 attempts: is the bridge powered and the port right?", e.Message);
        Assert.InRange(clock.ElapsedMilliseconds, 1400, 3000);
        Assert.Equal(2, session.Counters.Retries);
    }

    [Fact]
    public void AfterARigResetEveryProgrammedTileIsProgrammedAgainFromTheShadow()
    {
        var preset = VirtualRig.SmallPcm();
        using var rig = new VirtualRig(new EmulatedChip(preset, Seed), Quick);
        var weights = RandomWeights(32, 32, 1);
        var moved = new Grid<bool>(32, 32, Enumerable.Range(0, 1024).Select(k => k % 5 == 0).ToArray());
        rig.Chip.Program(0, weights, WriteVerifyOptions.Default);
        rig.Chip.Program(0, RandomWeights(32, 32, 9), WriteVerifyOptions.Default, moved);
        rig.Chip.Program(1, weights.TopLeft(8, 8), WriteVerifyOptions.SinglePulse);
        var rebooted = new CountingChip(new EmulatedChip(preset, Seed + 1));

        rig.Reboot(rebooted, new DeviceServerOptions { BootCounter = 2 });
        var states = rig.Chip.ReadBack(0);

        Assert.Equal(2, rebooted.Programs);
        Assert.Equal(2, rig.Chip.Reprograms);
        Assert.Equal(1, rig.Chip.Session.Counters.ResetsDetected);
        var merged = weights.Clone();
        var update = RandomWeights(32, 32, 9);
        for (var k = 0; k < merged.Data.Length; k++)
        {
            merged.Data[k] = moved.Data[k] ? update.Data[k] : merged.Data[k];
        }

        // The rebooted rig got exactly the merged shadow of every tile, in tile order.
        using var replay = new EmulatedChip(preset, Seed + 1);
        replay.Program(0, merged, WriteVerifyOptions.Default);
        var corner = new Grid<float>(32, 32);
        for (var r = 0; r < 8; r++)
        {
            weights.Row(r)[..8].CopyTo(corner.Row(r));
        }

        replay.Program(1, corner, WriteVerifyOptions.SinglePulse);
        Same.States(replay.ReadBack(0), states);
    }

    [Fact]
    public void ChipErrorsArriveWordForWord()
    {
        var preset = VirtualRig.SmallPcm();
        using var direct = new EmulatedChip(preset, Seed);
        using var rig = new VirtualRig(new EmulatedChip(preset, Seed));
        var tooBig = new Grid<float>(40, 32);

        var local = Assert.Throws<AimcException>(() => direct.Program(0, tooBig, WriteVerifyOptions.Default));
        var remote = Assert.Throws<AimcException>(() => rig.Chip.Program(0, tooBig, WriteVerifyOptions.Default));

        Assert.Equal(local.Message, remote.Message);
        Assert.Equal("weights of shape 40×32 do not fit a 32×32 tile", remote.Message);
    }

    [Fact]
    public void HardwareCannotBeReseeded()
    {
        using var rig = new VirtualRig(new CountingChip(new EmulatedChip(VirtualRig.SmallPcm(), Seed)));

        var e = Assert.Throws<AimcException>(() => rig.Chip.Reseed(3));

        Assert.False(rig.Chip.CanReseed);
        Assert.Equal("rig on virtual cannot be reseeded: it is hardware (firmware 'aimc-hil virtual rig' does not advertise RESEED)", e.Message);
    }

    internal static Grid<float> RandomWeights(int rows, int cols, int seed)
    {
        var random = new Random(seed);
        return new Grid<float>(rows, cols, Enumerable.Range(0, rows * cols).Select(_ => (float)((random.NextDouble() * 1.6) - 0.8)).ToArray());
    }

    internal static Grid<int> RandomCodes(int batch, int n, int max, int seed)
    {
        var random = new Random(seed);
        return new Grid<int>(batch, n, Enumerable.Range(0, batch * n).Select(_ => random.Next(-max, max + 1)).ToArray());
    }

    /// <summary>A write filter that loses the first frame matching <paramref name="match"/>.</summary>
    private static Func<byte[], byte[]> DropOnce(Func<Frame, bool> match)
    {
        var dropped = false;
        return bytes =>
        {
            if (!dropped && bytes.Length > 1 && FrameCodec.Decode(bytes.AsSpan(0, bytes.Length - 1)).Frame is { } frame && match(frame))
            {
                dropped = true;
                return [];
            }

            return bytes;
        };
    }
}
