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

        // A timeout no first call (with its JIT) reaches, so a clean link shows no retry at all.
        using var rig = new Rig(SmallChips.Chip(), null, TimeSpan.FromSeconds(5));
        var overLink = new Trainer(Options(), train, test, rig.Chip).Run(null, false, false, null, null, CancellationToken.None);

        AssertSameRun(inProcess, overLink);
        Assert.Equal(0, overLink.LinkRetries);
        Assert.Equal(0, overLink.RigResets);
        Assert.Null(inProcess.LinkRetries);
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

        using var rig = new Rig(SmallChips.Chip(), null);
        var trainer = new Trainer(Options(), train, test, rig.Chip);

        // The rig loses power after its 40th request and boots with a blank chip: a new boot counter, no weights.
        using var reboot = rig.RebootAfter(40);
        var summary = trainer.Run(null, false, false, null, null, CancellationToken.None);

        Assert.True(reboot.IsCompleted, "the rig never rebooted during the run");
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
        private CancellationTokenSource _stop = new();
        private Task _serving = Task.CompletedTask;
        private DeviceServer _server = null!;

        public Rig(IAimcChip deviceChip, FaultProfile? faults, TimeSpan? timeout = null)
        {
            Serve(deviceChip, new DeviceServerOptions());
            Stream host = _pipe.Host;
            if (faults is not null)
            {
                Line = new FaultyStream(_pipe.Host, faults, seed: 5, leaveOpen: true);
                host = Line;
            }

            Chip = ProtocolChip.Open(host, "test link", new HostSessionOptions { Timeout = timeout ?? TimeSpan.FromMilliseconds(200), Attempts = 8 });
        }

        public ProtocolChip Chip { get; }

        public FaultyStream? Line { get; }

        /// <summary>Cuts the rig's power once it has executed <paramref name="requests"/> requests and boots it again
        /// with a blank chip and the next boot counter.</summary>
        public Task RebootAfter(long requests) => Task.Run(async () =>
        {
            while (_server.Counters.Executed < requests)
            {
                await Task.Delay(1);
            }

            await _stop.CancelAsync();
            await _serving;
            _stop = new CancellationTokenSource();
            Serve(SmallChips.Chip(), new DeviceServerOptions { BootCounter = 2 });
        });

        public void Dispose()
        {
            Chip.Dispose();
            _stop.Cancel();
            _serving.Wait(TimeSpan.FromSeconds(5));
            _pipe.Dispose();
        }

        private void Serve(IAimcChip chip, DeviceServerOptions options)
        {
            _server = new DeviceServer(chip, _pipe.Device, options);
            var server = _server;
            var token = _stop.Token;
            _serving = Task.Run(() => server.RunAsync(token));
        }
    }
}
