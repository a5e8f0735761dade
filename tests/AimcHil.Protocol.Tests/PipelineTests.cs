using AimcHil.Core;
using AimcHil.Emulator;

namespace AimcHil.Protocol.Tests;

/// <summary>Protocol 1.3's pipelined requests (PROTOCOL.md section 4.1): several MVMs in flight give exactly the
/// results of the same MVMs one after another in process, each computed once, through lost frames and rig resets;
/// and the next request really is on the line while the rig computes.</summary>
public class PipelineTests
{
    private const ulong Seed = 23;

    [Theory]
    [InlineData(3, 3, 4)]
    [InlineData(3, 2, 1)]
    [InlineData(2, 3, 1)]
    public void SeveralMvmsInFlightGiveTheResultsOfOneAfterAnotherInProcess(byte hostMinor, byte rigMinor, int depth)
    {
        var preset = VirtualRig.SmallPcm();
        using var direct = new EmulatedChip(preset, Seed);
        var served = new CountingChip(new EmulatedChip(preset, Seed));
        using var rig = new VirtualRig(served, new HostSessionOptions { MaxMinor = hostMinor, TargetFormat = TargetFormat.F32, Timeout = TimeSpan.FromSeconds(5) }, new DeviceServerOptions { MaxMinor = rigMinor });
        var mvms = Program(direct, rig.Chip);

        var overWire = rig.Chip.Mvm(mvms);

        Assert.Equal(depth, rig.Chip.Session.PipelineDepth);
        Assert.Equal(mvms.Length, overWire.Count);
        foreach (var (mvm, result) in mvms.Zip(overWire))
        {
            Same.Mvm(Expected(direct, mvm), result);
        }

        Assert.Equal(mvms.Length, served.Mvms);
        Assert.Equal(0, rig.Chip.Session.Counters.Retries);
    }

    [Fact]
    public void TheNextRequestCrossesTheLineWhileTheRigComputes()
    {
        var preset = VirtualRig.SmallPcm();
        var served = new HeldChip(new EmulatedChip(preset, Seed));
        using var rig = new VirtualRig(served, new HostSessionOptions { Timeout = TimeSpan.FromMilliseconds(300) });
        using var programmedAlike = new EmulatedChip(preset, Seed);
        var mvms = Program(programmedAlike, rig.Chip);
        var secondSeen = new ManualResetEventSlim();
        ushort? first = null;
        rig.Host.WriteFilter = bytes =>
        {
            if (bytes.Length > 1 && FrameCodec.Decode(bytes.AsSpan(0, bytes.Length - 1)).Frame is { Kind: FrameKind.Request, Opcode: Opcode.MvmPacked } frame)
            {
                first ??= frame.Sequence;
                if (frame.Sequence != first)
                {
                    secondSeen.Set();
                }
            }

            return bytes;
        };

        // The rig's first MVM waits until the host's second request is on the line: a host that waited for the
        // first answer before sending the next would leave it waiting the full 10 s.
        served.Hold = () => secondSeen.Wait(TimeSpan.FromSeconds(10));
        var overWire = rig.Chip.Mvm(mvms);

        Assert.True(served.HeldUntilReleased);
        Assert.Equal(mvms.Length, overWire.Count);
    }

    [Fact]
    public void LostFramesInAPipelineAreRecoveredAndEveryMvmRunsOnce()
    {
        var preset = VirtualRig.SmallPcm();
        using var direct = new EmulatedChip(preset, Seed);
        var served = new CountingChip(new EmulatedChip(preset, Seed));
        using var rig = new VirtualRig(served, new HostSessionOptions { TargetFormat = TargetFormat.F32, Timeout = TimeSpan.FromMilliseconds(300) });
        var mvms = Program(direct, rig.Chip);
        var lost = 0;
        var answers = 0;
        var uploads = 0;
        var lostData = false;
        // The rig loses its answer to the second MVM and a DATA frame of a bulk answer; the host loses a DATA frame
        // of the second bulk upload (the third MVM's, sent while the first's answer downloads).
        rig.Device.WriteFilter = bytes =>
        {
            if (bytes.Length > 1 && FrameCodec.Decode(bytes.AsSpan(0, bytes.Length - 1)).Frame is { Opcode: Opcode.MvmPacked } frame)
            {
                if (frame.Kind == FrameKind.Response && ++answers == 2)
                {
                    lost++;
                    return [];
                }

                if (frame.Kind == FrameKind.Data && DataChunk.Decode(frame.Payload).Offset > 0 && !lostData)
                {
                    lostData = true;
                    lost++;
                    return [];
                }
            }

            return bytes;
        };
        rig.Host.WriteFilter = bytes =>
        {
            if (bytes.Length > 1 && FrameCodec.Decode(bytes.AsSpan(0, bytes.Length - 1)).Frame is { Kind: FrameKind.Data, Opcode: Opcode.MvmPacked } frame
                && DataChunk.Decode(frame.Payload).Offset > 0 && ++uploads == 2)
            {
                lost++;
                return [];
            }

            return bytes;
        };

        var overWire = rig.Chip.Mvm(mvms);

        Assert.Equal(3, lost);
        foreach (var (mvm, result) in mvms.Zip(overWire))
        {
            Same.Mvm(Expected(direct, mvm), result);
        }

        Assert.Equal(mvms.Length, served.Mvms);
        Assert.True(rig.Chip.Session.Counters.Retries >= 3);
    }

    [Fact]
    public void BulkTransfersStartWithoutWaitingForTheOtherSidesAck()
    {
        var preset = VirtualRig.SmallPcm();
        using var direct = new EmulatedChip(preset, Seed);
        using var rig = new VirtualRig(new EmulatedChip(preset, Seed), new HostSessionOptions { TargetFormat = TargetFormat.F32, Timeout = TimeSpan.FromMilliseconds(300) });
        var mvms = Program(direct, rig.Chip);
        var firstAcks = 0;
        // The host's first ACK of each bulk answer never reaches the rig, nor does the rig's ACK to each BEGIN reach
        // the host: in a pipeline neither side waits for them, so nothing is sent again.
        rig.Host.WriteFilter = bytes =>
        {
            if (bytes.Length > 1 && FrameCodec.Decode(bytes.AsSpan(0, bytes.Length - 1)).Frame is { Kind: FrameKind.Ack, Flags: FrameFlags.None } frame
                && TransferAck.Decode(frame.Payload).Offset == 0)
            {
                firstAcks++;
                return [];
            }

            return bytes;
        };
        rig.Device.WriteFilter = bytes =>
            bytes.Length > 1 && FrameCodec.Decode(bytes.AsSpan(0, bytes.Length - 1)).Frame is { Kind: FrameKind.Ack, Flags: FrameFlags.None } frame
                && TransferAck.Decode(frame.Payload).Offset == 0 ? [] : bytes;

        // The programming before may take a retry of its own on a slow first call (JIT, the first compute view):
        // count only what the MVMs add.
        var retriesBefore = rig.Chip.Session.Counters.Retries;
        var overWire = rig.Chip.Mvm(mvms);

        Assert.Equal(3, firstAcks);
        foreach (var (mvm, result) in mvms.Zip(overWire))
        {
            Same.Mvm(Expected(direct, mvm), result);
        }

        Assert.Equal(retriesBefore, rig.Chip.Session.Counters.Retries);
    }

    [Fact]
    public void ALostBeginInAPipelineIsSentAgain()
    {
        var preset = VirtualRig.SmallPcm();
        using var direct = new EmulatedChip(preset, Seed);
        var served = new CountingChip(new EmulatedChip(preset, Seed));
        using var rig = new VirtualRig(served, new HostSessionOptions { TargetFormat = TargetFormat.F32, Timeout = TimeSpan.FromMilliseconds(300) });
        var mvms = Program(direct, rig.Chip);
        rig.Host.WriteFilter = VirtualRigTests.DropOnce(f => f.Kind == FrameKind.Request && f.Flags == FrameFlags.Begin);

        var overWire = rig.Chip.Mvm(mvms);

        foreach (var (mvm, result) in mvms.Zip(overWire))
        {
            Same.Mvm(Expected(direct, mvm), result);
        }

        Assert.Equal(mvms.Length, served.Mvms);
        Assert.True(rig.Chip.Session.Counters.Retries >= 1);
    }

    [Fact]
    public void ARigThatResetBeforeAPipelineIsGreetedOnceRestoredAndAskedAgain()
    {
        var preset = VirtualRig.SmallPcm();
        using var rig = new VirtualRig(new EmulatedChip(preset, Seed), new HostSessionOptions { TargetFormat = TargetFormat.F32, Timeout = TimeSpan.FromMilliseconds(300) });
        using var programmedAlike = new EmulatedChip(preset, Seed);
        var mvms = Program(programmedAlike, rig.Chip);
        var rebooted = new CountingChip(new EmulatedChip(preset, Seed + 1));
        rig.Reboot(rebooted, new DeviceServerOptions { BootCounter = 2 });

        var overWire = rig.Chip.Mvm(mvms);

        // The fresh rig got both tiles back from the shadow, in tile order, then every MVM once.
        using var replay = new EmulatedChip(preset, Seed + 1);
        replay.Program(0, VirtualRigTests.RandomWeights(32, 32, 1), WriteVerifyOptions.Default);
        replay.Program(1, VirtualRigTests.RandomWeights(32, 32, 2), WriteVerifyOptions.Default);
        foreach (var (mvm, result) in mvms.Zip(overWire))
        {
            Same.Mvm(Expected(replay, mvm), result);
        }

        Assert.Equal(1, rig.Chip.Session.Counters.ResetsDetected);
        Assert.Equal(2, rig.Chip.Reprograms);
        Assert.Equal(2, rebooted.Programs);
        Assert.Equal(mvms.Length, rebooted.Mvms);
    }

    [Fact]
    public void SeveralTilesProgrammedInFlightEndAsProgrammedOneAfterAnother()
    {
        var preset = VirtualRig.SmallPcm();
        using var direct = new EmulatedChip(preset, Seed);
        var served = new CountingChip(new EmulatedChip(preset, Seed));
        using var rig = new VirtualRig(served, new HostSessionOptions { TargetFormat = TargetFormat.F32, Timeout = TimeSpan.FromSeconds(5) });
        var moved = new Grid<bool>(32, 32, Enumerable.Range(0, 1024).Select(k => k % 9 == 0).ToArray());
        TileProgramming[] programs =
        [
            new(0, VirtualRigTests.RandomWeights(32, 32, 11), WriteVerifyOptions.Default),
            new(1, VirtualRigTests.RandomWeights(32, 32, 12), WriteVerifyOptions.SinglePulse),
            new(0, VirtualRigTests.RandomWeights(32, 32, 13), WriteVerifyOptions.Default, moved),
        ];

        var reports = rig.Chip.Program(programs);

        Assert.Equal(programs.Length, served.Programs);
        foreach (var (p, report) in programs.Zip(reports))
        {
            var expected = direct.Program(p.Tile, p.Targets, p.Options, p.Only);
            Assert.Equal(expected.TotalPulses, report.TotalPulses);
        }

        Same.States(direct.ReadBack(0), rig.Chip.ReadBack(0));
        Same.States(direct.ReadBack(1), rig.Chip.ReadBack(1));
    }

    [Fact]
    public void TilesProgrammedInAPipelineAreInTheShadowThatARigResetRestores()
    {
        var preset = VirtualRig.SmallPcm();
        using var rig = new VirtualRig(new EmulatedChip(preset, Seed), new HostSessionOptions { TargetFormat = TargetFormat.F32, Timeout = TimeSpan.FromMilliseconds(300) });
        var first = VirtualRigTests.RandomWeights(32, 32, 21);
        var second = VirtualRigTests.RandomWeights(32, 32, 22);
        rig.Chip.Program([new TileProgramming(0, first, WriteVerifyOptions.Default), new TileProgramming(1, second, WriteVerifyOptions.Default)]);
        var rebooted = new CountingChip(new EmulatedChip(preset, Seed + 1));

        rig.Reboot(rebooted, new DeviceServerOptions { BootCounter = 2 });
        var states = rig.Chip.ReadBack(1);

        using var replay = new EmulatedChip(preset, Seed + 1);
        replay.Program(0, first, WriteVerifyOptions.Default);
        replay.Program(1, second, WriteVerifyOptions.Default);
        Same.States(replay.ReadBack(1), states);
        Assert.Equal(2, rebooted.Programs);
    }

    /// <summary>Both tiles programmed alike on both chips, and five MVMs over them: bulk uploads and answers (200
    /// vectors) between single-frame ones, a tile twice.</summary>
    private static TileMvm[] Program(EmulatedChip direct, IAimcChip overWire)
    {
        foreach (var chip in new[] { direct, overWire })
        {
            chip.Program(0, VirtualRigTests.RandomWeights(32, 32, 1), WriteVerifyOptions.Default);
            chip.Program(1, VirtualRigTests.RandomWeights(32, 32, 2), WriteVerifyOptions.Default);
        }

        var max = direct.Info.InputCodeMax;
        return
        [
            new TileMvm(0, VirtualRigTests.RandomCodes(200, 32, max, 3)),
            new TileMvm(1, VirtualRigTests.RandomCodes(4, 32, max, 4)),
            new TileMvm(1, VirtualRigTests.RandomCodes(200, 32, max, 5)),
            new TileMvm(0, VirtualRigTests.RandomCodes(200, 20, max, 6)),
            new TileMvm(0, VirtualRigTests.RandomCodes(3, 32, max, 7)),
            new TileMvm(1, VirtualRigTests.RandomCodes(6, 32, max, 8), new ColumnRange(3, 10)),
        ];
    }

    /// <summary>The same MVM in process, one call (a column range as the chip computes it alone).</summary>
    private static MvmResult Expected(IAimcChip chip, TileMvm mvm) =>
        mvm.Columns is { } columns ? chip.Mvm(mvm.Tile, mvm.InputCodes, columns) : chip.Mvm(mvm.Tile, mvm.InputCodes);

    /// <summary>A chip whose first MVM waits on <see cref="Hold"/> before it computes.</summary>
    private sealed class HeldChip(IAimcChip inner) : IAimcChip
    {
        private bool _held;

        public Func<bool>? Hold { get; set; }

        public bool HeldUntilReleased { get; private set; }

        public ChipInfo Info => inner.Info;

        public IChipClock Clock => inner.Clock;

        public ProgrammingReport Program(int tile, Grid<float> targets, WriteVerifyOptions options, Grid<bool>? only = null) => inner.Program(tile, targets, options, only);

        public DeviceStates ReadBack(int tile) => inner.ReadBack(tile);

        public MvmResult Mvm(int tile, Grid<int> inputCodes)
        {
            if (!_held && Hold is { } hold)
            {
                _held = true;
                HeldUntilReleased = hold();
            }

            return inner.Mvm(tile, inputCodes);
        }

        public void Dispose() => inner.Dispose();
    }
}
