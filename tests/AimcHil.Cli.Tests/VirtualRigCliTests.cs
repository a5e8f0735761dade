using System.Diagnostics;

namespace AimcHil.Cli.Tests;

/// <summary>Specification of the virtual rig: the emulated chip served by <c>aimc emulate</c> on a real pseudo-terminal
/// or a loopback socket, and every command running over it unchanged, with the in-process result.</summary>
public sealed class VirtualRigCliTests : IDisposable
{
    private readonly List<EmulatorProcess> _servers = [];

    [Fact]
    public void HilTrainingOverAPseudoTerminalEqualsTheInProcessRun()
    {
        var port = StartEmulator("--rig", "hil-rigs/rram-1t1r-charge.yaml", "--pty");
        string[] run = ["train", "--mode", "hil", "--data", "synthetic", "--layers", "16,8,3", "--epochs", "2", "--reprogram", "every:10", "--json"];

        // f32 targets: the default Q14 rounds each target by up to 3e-5, which changes a run's last digits.
        var exactRig = Path.Combine(Directory.CreateTempSubdirectory("aimc-vr-").FullName, "virtual-serial.yaml");
        File.WriteAllText(exactRig, File.ReadAllText(Path.Combine(RepositoryPaths.Rigs, "virtual-serial.yaml")) + "target_format: f32\n");
        var overWire = AimcProcess.Run([.. run, "--rig", exactRig, "--port", port, "--out", NewRunDirectory()]);
        var inProcess = AimcProcess.Run([.. run, "--rig", "hil-rigs/rram-1t1r-charge.yaml", "--out", NewRunDirectory()]);

        Assert.Equal(0, overWire.ExitCode);
        Assert.Equal(0, inProcess.ExitCode);
        foreach (var key in new[] { "chip_test_accuracy", "software_test_accuracy", "final_train_loss", "programming_pulses", "reprograms", "epochs" })
        {
            Assert.Equal(inProcess.Json.GetProperty(key).GetRawText(), overWire.Json.GetProperty(key).GetRawText());
        }
    }

    [Fact]
    public void ProbeOverAPseudoTerminalPrintsTheRigAndItsChip()
    {
        var port = StartEmulator("--rig", "hil-rigs/pcm-current-256.yaml", "--pty");

        var probe = AimcProcess.Run("probe", "--port", port, "--json");

        Assert.Equal(0, probe.ExitCode);
        Assert.Equal("1.3", probe.Json.GetProperty("protocol").GetString());
        Assert.Equal(1000, probe.Json.GetProperty("max_pulses_per_cell").GetInt32());
        Assert.Equal(60000, probe.Json.GetProperty("idle_timeout_ms").GetInt32());
        Assert.Equal(64 << 20, probe.Json.GetProperty("max_object_bytes").GetInt32());
        Assert.Equal(4, probe.Json.GetProperty("pipeline_depth").GetInt32());
        Assert.Equal("pcm-current-256", probe.Json.GetProperty("chip").GetProperty("name").GetString());
        Assert.Equal(port, probe.Json.GetProperty("chip").GetProperty("transport").GetString());
        Assert.Contains("Reseed", probe.Json.GetProperty("capabilities").GetString());
    }

    [Fact]
    public void MvmOverLoopbackTcpEqualsTheInProcessMvm()
    {
        var port = StartEmulator("--rig", "hil-rigs/sram-time-domain.yaml", "--tcp", "127.0.0.1:0");

        var overWire = AimcProcess.Run("mvm", "--rig", "hil-rigs/virtual-tcp.yaml", "--port", port, "--no-verify", "--json");
        var inProcess = AimcProcess.Run("mvm", "--rig", "hil-rigs/sram-time-domain.yaml", "--no-verify", "--json");

        Assert.Equal(0, overWire.ExitCode);
        foreach (var key in new[] { "rmse_lsb", "max_abs_error_lsb", "saturated_outputs", "programming_pulses", "chip" })
        {
            Assert.Equal(inProcess.Json.GetProperty(key).GetRawText(), overWire.Json.GetProperty(key).GetRawText());
        }
    }

    [Fact]
    public void ProbeOfAPortWithNothingBehindItFailsWithinTheTimeout()
    {
        // A pseudo-terminal whose master nobody serves: the line exists, the rig does not answer.
        using var silent = AimcHil.Hardware.PseudoTerminal.Open();
        var clock = Stopwatch.StartNew();

        var probe = AimcProcess.Run("probe", "--port", silent.SlavePath, "--timeout-ms", "200");

        AimcProcess.AssertUserError(probe, $"rig on {silent.SlavePath} did not answer HELLO within 200 ms after 3 attempts: is the bridge powered and the port right?");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public void BenchLinkRefusesAProtocolThisHostDoesNotSpeak()
    {
        AimcProcess.AssertUserError(AimcProcess.Run("bench", "link", "--protocol", "1.9"), "--protocol 1.9: this host speaks 1.0, 1.1, 1.2 or 1.3");
    }

    [Fact]
    public void BenchLinkReportsEfficiencyRoundTripAndUtilization()
    {
        var outcome = AimcProcess.Run("bench", "link", "--baud", "20000000", "--round-trips", "50", "--hil-steps", "1", "--json");

        Assert.Equal(0, outcome.ExitCode);
        // Byte counts, not times: the seeded tile, batch and 1 % reprogramming go on the wire in the same bytes every
        // run, within the issue's targets of their information minimum.
        var json = outcome.Json;
        Assert.Equal("1.3", json.GetProperty("protocol").GetString());
        Assert.InRange(json.GetProperty("wire_bytes_per_mvm").GetDouble() / json.GetProperty("min_wire_bytes_per_mvm").GetDouble(), 1.0, 1.1);
        Assert.InRange(json.GetProperty("wire_bytes_per_reprogram").GetDouble() / json.GetProperty("min_wire_bytes_per_reprogram").GetDouble(), 1.0, 1.5);
        Assert.True(json.GetProperty("program_tile_seconds").GetDouble() > 0);
        // The line-time bound: at 1.3 the pipeline overlaps the two directions, so a step may beat the one-way-after-
        // the-other minimum (hil_step_min_seconds, 0.0749 s against a 0.0760 s step here) but never the full-duplex one.
        Assert.True(json.GetProperty("hil_step_seconds").GetDouble() > json.GetProperty("hil").GetProperty("min_seconds_full_duplex").GetDouble());
        Assert.InRange(json.GetProperty("hil").GetProperty("wire_bytes").GetDouble() / json.GetProperty("hil").GetProperty("min_wire_bytes").GetDouble(), 1.0, 1.1);
        var efficiency = outcome.Json.GetProperty("payload_efficiency");
        Assert.InRange(efficiency.GetProperty("weight_matrix").GetDouble(), 0.5, 1.0);
        Assert.InRange(efficiency.GetProperty("mvm_batch").GetDouble(), 0.5, 1.0);
        Assert.True(outcome.Json.GetProperty("round_trip_ms").GetDouble() > 0);
        Assert.InRange(outcome.Json.GetProperty("link_utilization").GetDouble(), 0.0001, 1.05);
        Assert.Equal(20000000, outcome.Json.GetProperty("baud_rate").GetInt32());
    }

    [Fact]
    public async Task ALineThatGoesAwayMidHandshakeIsOneLineNotACrash()
    {
        var line = AimcHil.Hardware.PseudoTerminal.Open();
        // A long timeout, so the line goes away while the host is still waiting for its HELLO answer.
        var probe = Task.Run(() => AimcProcess.Run("probe", "--port", line.SlavePath, "--timeout-ms", "10000"));
        await Task.Delay(2500);

        line.Dispose();

        AimcProcess.AssertUserError(
            await probe,
            $"rig on {line.SlavePath} closed the connection ({line.SlavePath}: the line went away (end of file): was the bridge unplugged or the rig server stopped? Reopen the port): is it still connected?");
    }

    [Fact]
    public void ProbeOfAMissingDeviceSaysWhatToCheck() =>
        AimcProcess.AssertUserError(
            AimcProcess.Run("probe", "--port", "/dev/ttyACM97"),
            "/dev/ttyACM97: no such device: is the bridge plugged in? (ls /dev/ttyACM* /dev/ttyUSB*)");

    [Fact]
    public void EmulateRefusesARemoteAddressWithoutAllowRemote() =>
        AimcProcess.AssertUserError(
            AimcProcess.Run("emulate", "--rig", "hil-rigs/pcm-current-256.yaml", "--tcp", "0.0.0.0:5099"),
            "--tcp 0.0.0.0:5099: refusing to serve on a non-loopback address: anyone on the network could drive the chip; use 127.0.0.1, or add --allow-remote --secret-file PATH so hosts must prove they hold a shared secret");

    [Fact]
    public void EmulateNeedsExactlyOneTransport() =>
        AimcProcess.AssertUserError(
            AimcProcess.Run("emulate", "--rig", "hil-rigs/pcm-current-256.yaml"),
            "emulate needs exactly one of --pty and --tcp HOST:PORT");

    [Fact]
    public void PortOnAnEmulatorRigIsOneLine() =>
        AimcProcess.AssertUserError(
            AimcProcess.Run("info", "--rig", "hil-rigs/pcm-current-256.yaml", "--port", "/dev/ttyACM0"),
            $"{Path.Combine(RepositoryPaths.Rigs, "pcm-current-256.yaml")}: --port applies to serial and tcp rigs, and this rig file is kind emulator (hil-rigs/virtual-serial.yaml reaches the emulator over a port)");

    public void Dispose()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }
    }

    /// <summary>Starts <c>aimc emulate</c> and returns the port it prints on its first line.</summary>
    private string StartEmulator(params string[] args)
    {
        var server = new EmulatorProcess(args);
        _servers.Add(server);
        return server.Port;
    }

    private static string NewRunDirectory() => Path.Combine(Directory.CreateTempSubdirectory("aimc-vr-").FullName, "run");
}
