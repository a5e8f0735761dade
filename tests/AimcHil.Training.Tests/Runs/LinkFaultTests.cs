using AimcHil.Core;
using AimcHil.Hardware;
using AimcHil.Protocol;
using AimcHil.Training.Runs;

namespace AimcHil.Training.Tests.Runs;

/// <summary>Hardware-in-the-loop training over the firmware protocol: a damaged link costs retries, never a
/// different result, and a rig that resets and loses its weights is reprogrammed from the host's shadow.</summary>
public class LinkFaultTests
{
    private static TrainingOptions Options(ulong seed = 7) => new()
    {
        Mode = TrainingMode.Hil,
        Layers = SmallChips.Layers,
        Epochs = 2,
        BatchSize = 16,
        LearningRate = 2e-2f,
        Seed = seed,
        Reprogram = "every:5",
    };

    [Fact]
    public void HilOverTheProtocolEndsExactlyAsInProcess()
    {
        var (train, test) = SmallChips.Data();
        TrainingSummary inProcess;
        using (var chip = SmallChips.Chip())
        {
            inProcess = new Trainer(Options(), train, test, chip).Run(null, false, false, null, null, CancellationToken.None);
        }

        // A timeout no first call (with its JIT) reaches, so a clean link shows no retry at all; f32 targets, since
        // the default Q14 rounds each target by up to 3e-5 and so changes a run's last digits.
        using var rig = new Rig(SmallChips.Chip(), null, TimeSpan.FromSeconds(5), targets: TargetFormat.F32);
        var overLink = new Trainer(Options(), train, test, rig.Chip).Run(null, false, false, null, null, CancellationToken.None);

        AssertSameRun(inProcess, overLink);
        Assert.Equal(0, overLink.LinkRetries);
        Assert.Equal(0, overLink.RigResets);
        Assert.Null(inProcess.LinkRetries);
    }

    /// <summary>Over the virtual rig paced as a 921600-baud UART, speaking protocol 1.3 (a layer's MVMs and
    /// reprogramming pipelined), 1.2 (packed codes, sparse reprogramming, short reports, held scales), and with the rig
    /// limited to 1.1 (the old layouts), a hil run ends exactly as in process.</summary>
    [Theory]
    [InlineData(3)]
    [InlineData(2)]
    [InlineData(1)]
    public void HilOverThePacedVirtualRigEndsExactlyAsInProcess(byte rigMinor)
    {
        var (train, test) = SmallChips.Data();
        TrainingSummary inProcess;
        using (var chip = SmallChips.Chip())
        {
            inProcess = new Trainer(Options(), train, test, chip).Run(null, false, false, null, null, CancellationToken.None);
        }

        using var rig = new Rig(SmallChips.Chip(), null, TimeSpan.FromSeconds(5), targets: TargetFormat.F32, paceBaud: 921600, rigMinor: rigMinor);
        var overLink = new Trainer(Options(), train, test, rig.Chip).Run(null, false, false, null, null, CancellationToken.None);

        Assert.Equal(rigMinor, rig.Chip.Session.Minor);
        AssertSameRun(inProcess, overLink);
        Assert.Equal(0, overLink.LinkRetries);
    }

    [Fact]
    public void CorruptedBytesAndDroppedFramesCostRetriesButNotTheResult()
    {
        var (train, test) = SmallChips.Data();
        TrainingSummary clean;
        using (var rig = new Rig(SmallChips.Chip(), null))
        {
            clean = new Trainer(Options(), train, test, rig.Chip).Run(null, false, false, null, null, CancellationToken.None);
        }

        // One flipped bit per 10 kB and one frame in 100 lost, each way.
        var faults = new FaultProfile { BitFlipRate = 1e-4, FrameDropRate = 0.01 };
        using var faulty = new Rig(SmallChips.Chip(), faults);
        var damaged = new Trainer(Options(), train, test, faulty.Chip).Run(null, false, false, null, null, CancellationToken.None);

        AssertSameRun(clean, damaged);
        Assert.True(faulty.Line!.Counters.BitFlips > 0 && faulty.Line.Counters.DroppedFrames > 0, faulty.Line.Counters.ToString());
        Assert.True(damaged.LinkRetries > 0, $"retries {damaged.LinkRetries}");
        Assert.True(damaged.LinkDroppedFrames > 0, $"dropped {damaged.LinkDroppedFrames}");
    }

    [Fact]
    public void ARigResetMidRunIsNoticedAndTheTilesAreReprogrammed()
    {
        var (train, test) = SmallChips.Data();
        var cleanAccuracies = new List<double>();
        foreach (var seed in new ulong[] { 7, 8, 9 })
        {
            using var chip = SmallChips.Chip();
            cleanAccuracies.Add(new Trainer(Options(seed), train, test, chip).Run(null, false, false, null, null, CancellationToken.None).ChipTestAccuracy!.Value);
        }

        // The rig loses power just before the host's 100th frame (mid-epoch) and boots with a blank chip: a new boot
        // counter, no weights.
        using var rig = new Rig(SmallChips.Chip(), null, rebootBeforeFrame: 100);
        var summary = new Trainer(Options(), train, test, rig.Chip).Run(null, false, false, null, null, CancellationToken.None);

        Assert.True(rig.Rebooted, "the run ended before the rig rebooted");
        Assert.Equal(1, summary.RigResets);
        Assert.True(summary.TilesReprogrammedAfterReset >= 1, $"reprogrammed {summary.TilesReprogrammedAfterReset}");
        Assert.Equal(2, summary.Epochs);
        var spread = cleanAccuracies.Max() - cleanAccuracies.Min();
        Assert.InRange(summary.ChipTestAccuracy!.Value, cleanAccuracies.Min() - Math.Max(spread, 0.05), 1.0);
    }

    private static void AssertSameRun(TrainingSummary expected, TrainingSummary actual)
    {
        Assert.Equal(expected.ChipTestAccuracy, actual.ChipTestAccuracy);
        Assert.Equal(expected.SoftwareTestAccuracy, actual.SoftwareTestAccuracy);
        Assert.Equal(expected.FinalTrainLoss, actual.FinalTrainLoss);
        Assert.Equal(expected.ProgrammingPulses, actual.ProgrammingPulses);
        Assert.Equal(expected.Reprograms, actual.Reprograms);
    }

    /// <summary>An emulated chip served over an in-memory link (damaged on the host's side when a fault profile is
    /// given), with a protocol chip on the host end.</summary>
    private sealed class Rig : IDisposable
    {
        private readonly DuplexPipe _pipe = new();
        private readonly Stream _line;
        private CancellationTokenSource _stop = new();
        private Thread? _serving;

        /// <param name="rebootBeforeFrame">Cut the rig's power just before the host writes this frame (1-based).</param>
        /// <param name="paceBaud">Carry the rig's bytes no faster than a UART at this rate, as <c>aimc emulate --pace-baud</c>.</param>
        public Rig(IAimcChip deviceChip, FaultProfile? faults, TimeSpan? timeout = null, int? rebootBeforeFrame = null, TargetFormat targets = TargetFormat.Q14, int? paceBaud = null, byte rigMinor = ProtocolVersion.Minor)
        {
            _line = paceBaud is { } baud ? new PacedStream(_pipe.Device, baud, leaveOpen: true) : _pipe.Device;
            Serve(deviceChip, new DeviceServerOptions { MaxMinor = rigMinor });
            Stream host = _pipe.Host;
            if (faults is not null)
            {
                Line = new FaultyStream(_pipe.Host, faults, seed: 5, leaveOpen: true);
                host = Line;
            }

            if (rebootBeforeFrame is { } frame)
            {
                host = new Tripwire(host, frame, Reboot);
            }

            Chip = ProtocolChip.Open(host, "test link", new HostSessionOptions { Timeout = timeout ?? TimeSpan.FromMilliseconds(100), Attempts = 30, TargetFormat = targets });
        }

        public ProtocolChip Chip { get; }

        public FaultyStream? Line { get; }

        public bool Rebooted { get; private set; }

        /// <summary>Stops the server as a power cut would and boots another with a blank chip and the next boot counter,
        /// while the host is held just before its next write, so no request is half served.</summary>
        private void Reboot()
        {
            _stop.Cancel();
            _serving?.Join(TimeSpan.FromSeconds(5));
            _stop = new CancellationTokenSource();
            Serve(SmallChips.Chip(), new DeviceServerOptions { BootCounter = 2 });
            Rebooted = true;
        }

        public void Dispose()
        {
            _stop.Cancel();
            _serving?.Join(TimeSpan.FromSeconds(5));
            Chip.Dispose();
            _pipe.Dispose();
        }

        private void Serve(IAimcChip chip, DeviceServerOptions options)
        {
            var server = new DeviceServer(chip, _line, options);
            var token = _stop.Token;
            // A thread of its own: xunit keeps the pool busy, and a served rig must answer within the host's timeout.
            _serving = new Thread(() => server.Run(token)) { IsBackground = true };
            _serving.Start();
        }
    }

    /// <summary>Passes a link through and runs an action once, just before the Nth write.</summary>
    private sealed class Tripwire(Stream inner, int beforeWrite, Action trip) : LinkFilter(inner, leaveOpen: false)
    {
        private int _writes;

        public override int Read(Span<byte> buffer) => Inner.Read(buffer);

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (++_writes == beforeWrite)
            {
                trip();
            }

            Inner.Write(buffer);
        }
    }
}
