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
        var command = new Command("link", "protocol payload efficiency, round trip and line utilization over a pseudo-terminal") { rig, baud, trips, json };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var file = RigFileReader.Read(parse.GetValue(rig)!.FullName);
            if (file.Chip is null)
            {
                throw new AimcException($"{file.Path}: bench link serves an emulator rig; give one of the presets in hil-rigs/");
            }

            var lineRate = parse.GetValue(baud);
            if (lineRate < 1 || parse.GetValue(trips) < 1)
            {
                throw new AimcException("--baud and --round-trips must be positive");
            }

            var result = Measure(file, lineRate, parse.GetValue(trips));
            if (parse.GetValue(json))
            {
                JsonOutput.Write(result);
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"virtual rig {file.Chip.Name} over a pseudo-terminal; frames up to {result.MaxPayload} bytes, window {result.Window}");
                var table = new Table().AddColumns("measure", "value", "target");
                table.AddRow("payload efficiency, weight matrix", result.PayloadEfficiency.WeightMatrix.ToString("F4"), "≥ 0.98");
                table.AddRow($"payload efficiency, {Batch} MVMs", result.PayloadEfficiency.MvmBatch.ToString("F4"), "≥ 0.98");
                table.AddRow("round trip, median", $"{result.RoundTripMs:F3} ms (p90 {result.RoundTripMsP90:F3}, p99 {result.RoundTripMsP99:F3})", "≤ 1 ms");
                table.AddRow($"line utilization at {lineRate} baud", result.LinkUtilization.ToString("F3"), "≥ 0.9");
                AnsiConsole.Write(table);
            }

            return 0;
        }));
        return command;
    }

    private static LinkBench Measure(RigFile file, int baud, int roundTrips)
    {
        using var chip = RigConnector.OpenEmulator(file, new RigOptions());
        var info = chip.Info;
        var rng = new SeededRandom(file.Seed);
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
        using (var rigSide = new VirtualRigOnPty(chip, baud: null))
        {
            var session = rigSide.Host.Session;
            maxPayload = (int)session.Rig!.MaxPayload;
            window = session.Rig.Window;
            weightEfficiency = Efficiency(session, Opcode.Program, program);
            mvmEfficiency = Efficiency(session, Opcode.Mvm, mvm);
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

        // At a UART's pace: how much of the line a weight matrix's programming keeps busy.
        double utilization;
        using (var rigSide = new VirtualRigOnPty(chip, baud))
        {
            var session = rigSide.Host.Session;
            var sent = session.Counters.BytesSent;
            var received = session.Counters.BytesReceived;
            var clock = Stopwatch.StartNew();
            session.Request(Opcode.Program, program);
            var seconds = clock.Elapsed.TotalSeconds;
            var wireBytes = session.Counters.BytesSent - sent + session.Counters.BytesReceived - received;
            utilization = wireBytes * 10.0 / baud / seconds;
        }

        Array.Sort(trips);
        return new LinkBench(
            file.Path,
            baud,
            maxPayload,
            window,
            new PayloadEfficiencies(weightEfficiency, mvmEfficiency),
            Percentile(trips, 0.5),
            Percentile(trips, 0.9),
            Percentile(trips, 0.99),
            utilization);
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

    /// <summary>The emulated chip served on a fresh pseudo-terminal (paced at <c>baud</c> when given) with a host
    /// session open on its slave through the serial port code, as a bench would reach a USB bridge.</summary>
    private sealed class VirtualRigOnPty : IDisposable
    {
        private readonly PseudoTerminal _terminal;
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _server;

        public VirtualRigOnPty(IAimcChip chip, int? baud)
        {
            _terminal = PseudoTerminal.Open();
            Stream line = baud is { } rate ? new PacedStream(_terminal.Master, rate, leaveOpen: true) : _terminal.Master;
            var server = new DeviceServer(chip, line);
            _server = new Thread(() => server.Run(_stop.Token)) { IsBackground = true, Name = "virtual rig" };
            _server.Start();
            var serial = new SerialPort(_terminal.SlavePath, baud ?? 921600);
            serial.Open();
            Host = ProtocolChip.Open(serial.BaseStream, _terminal.SlavePath, new HostSessionOptions { Timeout = TimeSpan.FromSeconds(30) });
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

/// <summary>What <c>aimc bench link --json</c> prints.</summary>
internal sealed record LinkBench(
    string Rig,
    int BaudRate,
    int MaxPayload,
    int Window,
    PayloadEfficiencies PayloadEfficiency,
    double RoundTripMs,
    double RoundTripMsP90,
    double RoundTripMsP99,
    double LinkUtilization);

/// <summary>Payload over wire bytes of the two bulk transfers the bench measures.</summary>
internal sealed record PayloadEfficiencies(double WeightMatrix, double MvmBatch);
