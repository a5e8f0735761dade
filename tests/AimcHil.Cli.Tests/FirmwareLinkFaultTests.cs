using AimcHil.Core;
using AimcHil.Hardware;
using AimcHil.Protocol;
using AimcHil.Training;
using AimcHil.Training.Data;
using AimcHil.Training.Runs;

namespace AimcHil.Cli.Tests;

/// <summary>The link fault tests of AimcHil.Training.Tests (LinkFaultTests) and AimcHil.Protocol.Tests
/// (VirtualRigTests), against the C reference firmware's host build on its pseudo-terminal instead of the C#
/// DeviceServer: a damaged link costs retries, never a different result, and a rig that resets mid-run and loses its
/// weights is noticed and reprogrammed from the host's shadow.</summary>
public sealed class FirmwareLinkFaultTests : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    private static TrainingOptions Options() => new()
    {
        Mode = TrainingMode.Hil,
        Layers = [16, 8, 3],
        Epochs = 2,
        BatchSize = 16,
        LearningRate = 2e-2f,
        Seed = 7,
        Reprogram = "every:5",
    };

    private static (Dataset Train, Dataset Test) Data() => SyntheticDataset.GaussianBlobs(600, 16, 3, 5, separation: 2.5).Split(480);

    [FirmwareFact]
    public void CorruptedBytesAndDroppedFramesCostRetriesButNotTheResult()
    {
        var (train, test) = Data();
        TrainingSummary clean;
        using (var chip = Open(OpenLine(StartFirmware())))
        {
            clean = new Trainer(Options(), train, test, chip).Run(null, false, false, null, null, CancellationToken.None);
        }

        // One flipped bit per 10 kB and one frame in 100 lost, each way, as LinkFaultTests does to the C# server.
        var faulty = new FaultyStream(OpenLine(StartFirmware()), new FaultProfile { BitFlipRate = 1e-4, FrameDropRate = 0.01 }, seed: 5, leaveOpen: true);
        _owned.Add(faulty);
        TrainingSummary damaged;
        using (var chip = Open(faulty))
        {
            damaged = new Trainer(Options(), train, test, chip).Run(null, false, false, null, null, CancellationToken.None);
        }

        AssertSameRun(clean, damaged);
        Assert.True(faulty.Counters.BitFlips > 0 && faulty.Counters.DroppedFrames > 0, faulty.Counters.ToString());
        Assert.True(damaged.LinkRetries > 0, $"retries {damaged.LinkRetries}");
        Assert.True(damaged.LinkDroppedFrames > 0, $"dropped {damaged.LinkDroppedFrames}");
    }

    [FirmwareFact]
    public void LostDataFramesInBothDirectionsAreSentAgain()
    {
        var (train, test) = Data();
        TrainingSummary clean;
        using (var chip = Open(OpenLine(StartFirmware()), maxPayload: 256))
        {
            clean = new Trainer(Options(), train, test, chip).Run(null, false, false, null, null, CancellationToken.None);
        }

        // A max payload of 256 bytes, so programming and MVM batches go as bulk transfers of several DATA frames, and
        // every 40th DATA frame lost each way.
        var line = new DataFrameDrop(OpenLine(StartFirmware()), everyNth: 40);
        _owned.Add(line);
        TrainingSummary lossy;
        using (var chip = Open(line, maxPayload: 256))
        {
            lossy = new Trainer(Options(), train, test, chip).Run(null, false, false, null, null, CancellationToken.None);
        }

        AssertSameRun(clean, lossy);
        Assert.True(line.DroppedWrites > 0 && line.DroppedReads > 0, $"dropped {line.DroppedWrites} sent and {line.DroppedReads} received DATA frames");
        Assert.True(lossy.LinkRetries >= line.DroppedWrites + line.DroppedReads, $"retries {lossy.LinkRetries}");
    }

    [FirmwareFact]
    public void AFirmwareRestartMidRunIsNoticedAndTheTilesAreReprogrammed()
    {
        var (train, test) = Data();
        TrainingSummary clean;
        using (var chip = Open(OpenLine(StartFirmware())))
        {
            clean = new Trainer(Options(), train, test, chip).Run(null, false, false, null, null, CancellationToken.None);
        }

        // The firmware stops just before the host's 100th frame (mid-epoch) and another starts with a blank chip and
        // the next boot counter; the host's line moves to it, as a bridge that lost power comes back on the same port.
        var first = StartFirmware();
        var line = new Replug(OpenLine(first), () =>
        {
            first.Terminate();
            Assert.True(first.WaitForExit(TimeSpan.FromSeconds(10)), "the firmware did not stop within 10 s of SIGTERM");
            return OpenLine(StartFirmware("--boot-counter", "2"));
        }, beforeWrite: 100);
        _owned.Add(line);
        TrainingSummary summary;
        using (var chip = Open(line))
        {
            summary = new Trainer(Options(), train, test, chip).Run(null, false, false, null, null, CancellationToken.None);
        }

        Assert.True(line.Replugged, "the run ended before the firmware restarted");
        Assert.Equal(1, summary.RigResets);
        Assert.True(summary.TilesReprogrammedAfterReset >= 1, $"reprogrammed {summary.TilesReprogrammedAfterReset}");
        Assert.Equal(2, summary.Epochs);
        // The soft chip is ideal and the blank one is programmed from the host's shadow before the interrupted request
        // goes again, so accuracies, loss, pulses and reprograms end exactly as the clean run's (the run counts the pulses
        // of the programming it asked for; ProtocolChip's reprogramming from the shadow is its own).
        AssertSameRun(clean, summary);
    }

    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }
    }

    private static ProtocolChip Open(Stream line, int maxPayload = FrameCodec.DefaultMaxPayload) =>
        // f32 targets, so results are bit-exact; a timeout a loaded machine does not reach on a clean link, and enough
        // attempts for a damaged one.
        ProtocolChip.Open(line, "C firmware", new HostSessionOptions { Timeout = TimeSpan.FromMilliseconds(400), Attempts = 30, TargetFormat = TargetFormat.F32, MaxPayload = maxPayload });

    private static void AssertSameRun(TrainingSummary expected, TrainingSummary actual)
    {
        Assert.Equal(expected.ChipTestAccuracy, actual.ChipTestAccuracy);
        Assert.Equal(expected.SoftwareTestAccuracy, actual.SoftwareTestAccuracy);
        Assert.Equal(expected.FinalTrainLoss, actual.FinalTrainLoss);
        Assert.Equal(expected.ProgrammingPulses, actual.ProgrammingPulses);
        Assert.Equal(expected.Reprograms, actual.Reprograms);
    }

    private FirmwareProcess StartFirmware(params string[] args)
    {
        var firmware = new FirmwareProcess(args);
        _owned.Add(firmware);
        return firmware;
    }

    private Stream OpenLine(FirmwareProcess firmware)
    {
        var port = new SerialPort(firmware.Port, 921600);
        port.Open();
        _owned.Add(port);
        return port.BaseStream;
    }

    /// <summary>A link that loses every Nth DATA frame in each direction: writes are one frame each, reads are
    /// split at the 0x00 delimiter and a lost frame's bytes are not returned.</summary>
    private sealed class DataFrameDrop(Stream inner, int everyNth) : LinkFilter(inner, leaveOpen: true)
    {
        private readonly List<byte> _frame = [];
        private readonly Queue<byte> _ready = new();
        private readonly byte[] _chunk = new byte[4096];
        private int _writtenData;
        private int _readData;

        public int DroppedWrites { get; private set; }

        public int DroppedReads { get; private set; }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (IsData(buffer) && ++_writtenData % everyNth == 0)
            {
                DroppedWrites++;
                return;
            }

            Inner.Write(buffer);
        }

        public override int Read(Span<byte> buffer)
        {
            while (_ready.Count == 0)
            {
                var n = Inner.Read(_chunk);
                if (n == 0)
                {
                    return 0;
                }

                foreach (var b in _chunk.AsSpan(0, n))
                {
                    _frame.Add(b);
                    if (b == 0)
                    {
                        if (IsData(_frame.ToArray()) && ++_readData % everyNth == 0)
                        {
                            DroppedReads++;
                        }
                        else
                        {
                            _frame.ForEach(_ready.Enqueue);
                        }

                        _frame.Clear();
                    }
                }
            }

            var count = 0;
            while (count < buffer.Length && _ready.Count > 0)
            {
                buffer[count++] = _ready.Dequeue();
            }

            return count;
        }

        private static bool IsData(ReadOnlySpan<byte> wire)
        {
            var end = wire.IndexOf((byte)0);
            return end > 0 && FrameCodec.Decode(wire[..end]).Frame is { Kind: FrameKind.Data };
        }
    }

    /// <summary>A link that moves, just before its Nth write, to the line another firmware serves. The host's reader
    /// sees the old line end when its firmware stops: that read goes on on the new line instead.</summary>
    private sealed class Replug(Stream first, Func<Stream> next, int beforeWrite) : Stream
    {
        private readonly ManualResetEventSlim _moved = new();
        private volatile Stream _line = first;
        private volatile bool _moving;
        private int _writes;

        public bool Replugged { get; private set; }

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override bool CanTimeout => true;

        public override int ReadTimeout
        {
            get => _line.ReadTimeout;
            set => _line.ReadTimeout = value;
        }

        public override int WriteTimeout
        {
            get => _line.WriteTimeout;
            set => _line.WriteTimeout = value;
        }

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var line = _line;
            try
            {
                var n = line.Read(buffer);
                if (n > 0 || !_moving)
                {
                    return n;
                }
            }
            catch (Exception e) when (_moving && e is IOException or AimcException)
            {
                // SerialPort reports the stopped firmware's line as gone (AimcException "the line went away").
            }

            Assert.True(_moved.Wait(TimeSpan.FromSeconds(30)), "the second firmware did not start within 30 s");
            return _line.Read(buffer);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (++_writes == beforeWrite)
            {
                var (readTimeout, writeTimeout) = (_line.ReadTimeout, _line.WriteTimeout);
                _moving = true;
                var line = next();
                line.ReadTimeout = readTimeout;
                line.WriteTimeout = writeTimeout;
                _line = line;
                _moved.Set();
                Replugged = true;
            }

            _line.Write(buffer);
        }

        public override void Flush() => _line.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
