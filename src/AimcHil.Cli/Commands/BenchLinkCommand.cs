using System.CommandLine;
using System.Diagnostics;
using AimcHil.Core;
using AimcHil.Hardware;
using AimcHil.Numerics;
using AimcHil.Protocol;
using AimcHil.Rig;
using Spectre.Console;

namespace AimcHil.Cli.Commands;

/// <summary><c>aimc bench link</c>: the firmware protocol over a real pseudo-terminal against the virtual rig: bulk
/// payload efficiency, round trip of a minimal request, and line utilization at a UART's pace.</summary>
internal static class BenchLinkCommand
{
    /// <summary>Every version this host speaks, oldest first: the values --protocol accepts, from the one source.</summary>
    private static readonly string[] Versions = [.. Enumerable.Range(0, ProtocolVersion.Minor + 1).Select(m => $"{ProtocolVersion.Major}.{m}")];

    private const int Batch = 64;

    public static Command Create()
    {
        var json = CommonOptions.Json();
        var rig = new Option<FileInfo>("--rig")
        {
            Description = "emulator rig the virtual rig serves (default hil-rigs/pcm-current-256.yaml)",
            DefaultValueFactory = _ => new FileInfo(Path.Combine("hil-rigs", "pcm-current-256.yaml")),
        };
        var baud = new Option<int>("--baud") { Description = "line rate the paced virtual rig keeps for the utilization measurement", DefaultValueFactory = _ => 921600 };
        var trips = new Option<int>("--round-trips") { Description = "minimal requests timed for the round trip", DefaultValueFactory = _ => 2000 };
        var hilRig = new Option<FileInfo>("--hil-rig")
        {
            Description = "emulator rig of the hil step measurement (default hil-rigs/fmnist-hil-1.yaml)",
            DefaultValueFactory = _ => new FileInfo(Path.Combine("hil-rigs", "fmnist-hil-1.yaml")),
        };
        var hilSteps = new Option<int>("--hil-steps") { Description = "hil steps of the 784-256-10 MLP timed over the paced rig (0: skip that measurement)", DefaultValueFactory = _ => 3 };
        var port = new Option<string?>("--port") { Description = "measure a bridge on this serial device or pseudo-terminal (e.g. the C firmware's host build) instead of the virtual rig: tile 0 of its chip; the bridge sets the pace (--baud only converts bytes to line time) and the hil step is not measured" };
        var protocol = new Option<string>("--protocol") { Description = $"protocol version the host offers: {Versions[^1]} (default), or {string.Join(", ", Versions[..^1].Reverse())} to measure the older layouts and the line without pipelining", DefaultValueFactory = _ => Versions[^1] }.Choices(Versions);
        var command = new Command("link", "protocol payload efficiency, wire bytes against the information minimum, round trip, line utilization and hil step time over a pseudo-terminal") { rig, baud, trips, hilRig, hilSteps, protocol, port, json };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var bridge = parse.GetValue(port);
            var file = bridge is null ? RigFileReader.Read(parse.GetValue(rig)!.FullName) : null;
            if (file is not null && file.Chip is null)
            {
                throw new AimcException($"{file.Path}: bench link serves an emulator rig; give one of the presets in hil-rigs/");
            }

            var lineRate = parse.GetValue(baud);
            if (lineRate < 1 || parse.GetValue(trips) < 1 || parse.GetValue(hilSteps) < 0)
            {
                throw new AimcException("--baud and --round-trips must be positive, --hil-steps at least 0");
            }

            var offered = parse.GetValue(protocol)!;
            var index = Array.IndexOf(Versions, offered);
            if (index < 0)
            {
                throw new AimcException($"--protocol {offered}: this host speaks {string.Join(", ", Versions[..^1])} or {Versions[^1]}");
            }

            var minor = (byte)index;
            var hilFile = parse.GetValue(hilSteps) > 0 && bridge is null ? RigFileReader.Read(parse.GetValue(hilRig)!.FullName) : null;
            if (hilFile is not null && hilFile.Chip is null)
            {
                throw new AimcException($"{hilFile.Path}: --hil-rig serves an emulator rig; give one of the presets in hil-rigs/");
            }

            var result = Measure(file, bridge, lineRate, parse.GetValue(trips), minor) with
            {
                Hil = hilFile is null ? null : MeasureHilStep(hilFile, lineRate, parse.GetValue(hilSteps), minor),
            };
            if (parse.GetValue(json))
            {
                JsonOutput.Write(result);
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"{(file is null ? $"bridge on {bridge}" : $"virtual rig {file.Chip!.Name} over a pseudo-terminal")}; frames up to {result.MaxPayload} bytes, window {result.Window}");
                AnsiConsole.Write(ResultTable(result, lineRate));
            }

            return 0;
        }));
        return command;
    }

    /// <summary>Each figure next to its target.</summary>
    internal static Table ResultTable(LinkBench result, int lineRate)
    {
        var table = new Table().AddColumns("measure", "value", "target");
        table.AddRow("payload efficiency, weight matrix", result.PayloadEfficiency.WeightMatrix.ToString("F4"), "≥ 0.98");
        table.AddRow($"payload efficiency, {Batch} MVMs", result.PayloadEfficiency.MvmBatch.ToString("F4"), "≥ 0.98");
        table.AddRow("round trip, median", $"{result.RoundTripMs:F3} ms (p90 {result.RoundTripMsP90:F3}, p99 {result.RoundTripMsP99:F3})", "≤ 1 ms");
        table.AddRow($"line utilization at {lineRate} baud", result.LinkUtilization.ToString("F3"), "≥ 0.9");
        table.AddRow($"wire bytes per {Batch}-vector MVM", $"{result.WireBytesPerMvm} ({result.WireBytesPerMvm / (double)result.MinWireBytesPerMvm:F3}× the minimum {result.MinWireBytesPerMvm})", "≤ 1.1×");
        table.AddRow($"wire bytes per 1 % reprogramming", $"{result.WireBytesPerReprogram} ({result.WireBytesPerReprogram / (double)result.MinWireBytesPerReprogram:F3}× the minimum {result.MinWireBytesPerReprogram})", "≤ 1.5×");
        table.AddRow($"full tile write-verify at {lineRate} baud", $"{result.ProgramTileSeconds:F2} s", "");
        if (result.Hil is { } hil)
        {
            table.AddRow($"hil step at {lineRate} baud", $"{hil.StepSeconds:F2} s ({hil.StepSeconds / hil.MinSeconds:F2}× the line-time minimum {hil.MinSeconds:F2} s)", "≤ 1.3×");
        }

        return table;
    }

    /// <param name="file">The emulator rig served as the virtual rig; null to measure the bridge on <paramref name="port"/>.</param>
    private static LinkBench Measure(RigFile? file, string? port, int baud, int roundTrips, byte minor)
    {
        using var chip = file is null ? null : RigConnector.OpenEmulator(file, new RigOptions());
        // The virtual rig unpaced and then paced at baud; a bridge at whatever pace it keeps, both times.
        IRigSide Open(int? rate) => chip is null ? new BridgeOnPort(port!, baud, minor) : new VirtualRigOnPty(chip, rate, minor);
        var first = Open(null);
        var info = first.Host.Info;
        var rng = new SeededRandom(file?.Seed ?? 1);
        var weights = new Grid<float>(info.Rows, info.Cols);
        rng.FillUniform(weights.Data, -1f, 1f);
        var inputs = new Grid<int>(Batch, info.Rows);
        for (var k = 0; k < inputs.Data.Length; k++)
        {
            inputs.Data[k] = rng.NextInt((2 * info.InputCodeMax) + 1) - info.InputCodeMax;
        }

        var program = new ProgramRequest(0, weights, WriteVerifyOptions.SinglePulse, null).Encode();
        var mvm = new MvmRequest(0, inputs).Encode();

        // As fast as the pseudo-terminal goes: framing overhead and round trips.
        double weightEfficiency, mvmEfficiency;
        double[] trips;
        int maxPayload, window;
        long mvmWire, mvmMinimum, reprogramWire, reprogramMinimum;
        using (var rigSide = first)
        {
            var session = rigSide.Host.Session;
            maxPayload = (int)session.Rig!.MaxPayload;
            window = session.Rig.Window;
            weightEfficiency = Efficiency(session, Opcode.Program, program);
            mvmEfficiency = Efficiency(session, Opcode.Mvm, mvm);

            // The layouts the host chooses: a batch of MVMs in steady state (the tile's scales held since the first),
            // and a write-verify of 1 % of the tile's weights to new targets.
            rigSide.Host.Program(0, weights, WriteVerifyOptions.SinglePulse);
            rigSide.Host.Mvm(0, inputs);
            mvmWire = WireBytes(session, () => rigSide.Host.Mvm(0, inputs));
            var (up, down) = LinkMinimum.Mvm(Batch, info.Rows, info.Cols, info.DacBits, info.AdcBits, maxPayload);
            mvmMinimum = up + down;
            var (moved, targets) = OnePercent(weights, rng);
            reprogramWire = WireBytes(session, () => rigSide.Host.Program(0, targets, WriteVerifyOptions.Default, moved));
            var targetBits = info.WeightLevels > 0 ? (int)Math.Ceiling(Math.Log2(info.WeightLevels)) : 16;
            (up, down) = LinkMinimum.Reprogram(moved.Data.Length, moved.Data.Count(b => b), targetBits, maxPayload);
            reprogramMinimum = up + down;
            for (var warm = 0; warm < 100; warm++)
            {
                session.Request(Opcode.ClockGet, []);
            }

            trips = new double[roundTrips];
            for (var t = 0; t < roundTrips; t++)
            {
                var clock = Stopwatch.StartNew();
                session.Request(Opcode.ClockGet, []);
                trips[t] = clock.Elapsed.TotalMilliseconds;
            }
        }

        // At a UART's pace: how much of the line a weight matrix's programming keeps busy, and how long a full
        // write-verify of the tile takes in the layouts the host chooses.
        double utilization, programTileSeconds;
        using (var rigSide = Open(baud))
        {
            var session = rigSide.Host.Session;
            var sent = session.Counters.BytesSent;
            var received = session.Counters.BytesReceived;
            var clock = Stopwatch.StartNew();
            session.Request(Opcode.Program, program);
            var seconds = clock.Elapsed.TotalSeconds;
            var wireBytes = session.Counters.BytesSent - sent + session.Counters.BytesReceived - received;
            utilization = wireBytes * 10.0 / baud / seconds;
            clock.Restart();
            rigSide.Host.Program(0, weights, WriteVerifyOptions.Default);
            programTileSeconds = clock.Elapsed.TotalSeconds;
        }

        Array.Sort(trips);
        return new LinkBench(
            file?.Path ?? port!,
            baud,
            maxPayload,
            window,
            new PayloadEfficiencies(weightEfficiency, mvmEfficiency),
            Percentile(trips, 0.5),
            Percentile(trips, 0.9),
            Percentile(trips, 0.99),
            utilization)
        {
            Protocol = $"{ProtocolVersion.Major}.{minor}",
            WireBytesPerMvm = mvmWire,
            MinWireBytesPerMvm = mvmMinimum,
            WireBytesPerReprogram = reprogramWire,
            MinWireBytesPerReprogram = reprogramMinimum,
            ProgramTileSeconds = programTileSeconds,
        };
    }

    /// <summary>Steady-state hil steps of the 784-256-10 MLP (batch 64, reprogramming weights that moved by 0.005)
    /// on <paramref name="file"/>'s chip served on a pseudo-terminal paced at <paramref name="baud"/>, against the
    /// line time of the same steps' information.</summary>
    private static HilStepBench MeasureHilStep(RigFile file, int baud, int steps, byte minor)
    {
        var (train, test) = Training.Data.FashionMnist.Load();
        using var served = RigConnector.OpenEmulator(file, new RigOptions());
        using var rigSide = new VirtualRigOnPty(served, baud, minor);
        var session = rigSide.Host.Session;
        var metered = new MeteredChip(rigSide.Host, (int)session.Rig!.MaxPayload);
        var spec = new TrainBenchCase { Name = "link", Rig = file, Layers = [784, 256, 10], Reprogram = "delta:0.005", Steps = steps, WarmupSteps = 2 };
        var run = TrainBenchmark.Measure(spec, Training.Runs.TrainingMode.Hil, train, test, metered,
            () => [session.Counters.BytesSent, session.Counters.BytesReceived, metered.MinimumUp, metered.MinimumDown]);
        var moved = run.TimedMeter!;
        var bytesPerSecond = baud / 10.0;
        return new HilStepBench(
            run.TimedSeconds / steps,
            (moved[2] + moved[3]) / bytesPerSecond / steps,
            Math.Max(moved[2], moved[3]) / bytesPerSecond / steps,
            (moved[0] + moved[1]) / steps,
            (moved[2] + moved[3]) / steps);
    }

    /// <summary>1 % of the tile's weights chosen at random, and targets that move each of them.</summary>
    private static (Grid<bool> Moved, Grid<float> Targets) OnePercent(Grid<float> weights, SeededRandom rng)
    {
        var moved = new Grid<bool>(weights.Rows, weights.Cols);
        var targets = weights.Clone();
        var count = weights.Data.Length / 100;
        for (var chosen = 0; chosen < count;)
        {
            var k = rng.NextInt(weights.Data.Length);
            if (!moved.Data[k])
            {
                moved.Data[k] = true;
                targets.Data[k] = Math.Clamp(weights.Data[k] + 0.1f, -1f, 1f) == weights.Data[k] ? weights.Data[k] - 0.1f : Math.Clamp(weights.Data[k] + 0.1f, -1f, 1f);
                chosen++;
            }
        }

        return (moved, targets);
    }

    /// <summary>Wire bytes both ways of what <paramref name="call"/> sends and receives.</summary>
    private static long WireBytes(HostSession session, Action call)
    {
        var before = session.Counters.BytesSent + session.Counters.BytesReceived;
        call();
        return session.Counters.BytesSent + session.Counters.BytesReceived - before;
    }

    /// <summary>Object bytes (request and answer) over wire bytes (every frame both ways, control frames included).</summary>
    private static double Efficiency(HostSession session, Opcode opcode, byte[] request)
    {
        var sent = session.Counters.BytesSent;
        var received = session.Counters.BytesReceived;
        var answer = session.Request(opcode, request);
        var wire = session.Counters.BytesSent - sent + session.Counters.BytesReceived - received;
        return (double)(request.Length + answer.Length) / wire;
    }

    private static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

    /// <summary>A rig with a host session open on it.</summary>
    private interface IRigSide : IDisposable
    {
        ProtocolChip Host { get; }
    }

    /// <summary>A bridge on a serial device or pseudo-terminal, reached as <c>aimc probe --port</c> reaches it.</summary>
    private sealed class BridgeOnPort : IRigSide
    {
        public BridgeOnPort(string port, int baud, byte minor)
        {
            var serial = new SerialPort(port, baud);
            serial.Open();
            Host = ProtocolChip.Open(serial.BaseStream, port, new HostSessionOptions { Timeout = TimeSpan.FromSeconds(30), MaxMinor = minor });
        }

        public ProtocolChip Host { get; }

        public void Dispose() => Host.Dispose();
    }

    /// <summary>The emulated chip served on a fresh pseudo-terminal (paced at <c>baud</c> when given) with a host
    /// session open on its slave through the serial port code, as a bench would reach a USB bridge.</summary>
    private sealed class VirtualRigOnPty : IRigSide
    {
        private readonly PseudoTerminal _terminal;
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _server;

        public VirtualRigOnPty(IAimcChip chip, int? baud, byte minor)
        {
            _terminal = PseudoTerminal.Open();
            Stream line = baud is { } rate ? new PacedStream(_terminal.Master, rate, leaveOpen: true) : _terminal.Master;
            var server = new DeviceServer(chip, line);
            _server = new Thread(() => server.Run(_stop.Token)) { IsBackground = true, Name = "virtual rig" };
            _server.Start();
            var serial = new SerialPort(_terminal.SlavePath, baud ?? 921600);
            serial.Open();
            Host = ProtocolChip.Open(serial.BaseStream, _terminal.SlavePath, new HostSessionOptions { Timeout = TimeSpan.FromSeconds(30), MaxMinor = minor });
        }

        public ProtocolChip Host { get; }

        public void Dispose()
        {
            Host.Dispose();
            _stop.Cancel();
            _server.Join(TimeSpan.FromSeconds(5));
            _terminal.Dispose();

            _stop.Dispose();
        }
    }
}
