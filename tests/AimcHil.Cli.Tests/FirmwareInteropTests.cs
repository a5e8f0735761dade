namespace AimcHil.Cli.Tests;

/// <summary>Interoperability of the two implementations of the protocol: the real host stack (<c>aimc</c>) against
/// the C reference firmware's host build (firmware-protocol/firmware, the `soft` chip) on a pseudo-terminal, with
/// the in-process emulator's ideal run of the same chip as the reference.</summary>
public sealed class FirmwareInteropTests : IDisposable
{
    private const string SoftRig = "firmware-protocol/firmware/rigs/soft-crossbar-32.yaml";
    private const string SerialRig = "firmware-protocol/firmware/rigs/host-serial.yaml";
    private readonly List<FirmwareProcess> _firmware = [];

    [FirmwareFact]
    public void ProbeNamesTheCFirmwareAndItsCapabilities()
    {
        var port = StartFirmware();

        var probe = AimcProcess.Run("probe", "--port", port, "--json");

        Assert.Equal(0, probe.ExitCode);
        var json = probe.Json;
        Assert.Equal("aimc-hil C reference firmware", json.GetProperty("firmware").GetString());
        Assert.Equal("0.1.0", json.GetProperty("firmware_version").GetString());
        Assert.Equal("1.2", json.GetProperty("protocol").GetString());
        Assert.Equal(1, json.GetProperty("boot_counter").GetInt32());
        Assert.Equal(4096, json.GetProperty("max_payload").GetInt32());
        Assert.Equal(8, json.GetProperty("window").GetInt32());
        // A virtual clock (CLOCK_ADVANCE works), limits; no RESEED (nothing random) and no AUTH (no secret).
        Assert.Equal("VirtualClock, Limits", json.GetProperty("capabilities").GetString());
        Assert.Equal(1000, json.GetProperty("max_pulses_per_cell").GetInt32());
        Assert.Equal(60000, json.GetProperty("idle_timeout_ms").GetInt32());
        Assert.Equal(32768, json.GetProperty("max_object_bytes").GetInt32());
        var chip = json.GetProperty("chip");
        Assert.Equal("soft-crossbar-32", chip.GetProperty("name").GetString());
        Assert.Equal(32, chip.GetProperty("rows").GetInt32());
        Assert.Equal(2, chip.GetProperty("tiles").GetInt32());
    }

    [FirmwareFact]
    public void MvmOverTheFirmwareEqualsTheInProcessIdealEmulatorBitForBit()
    {
        var port = StartFirmware();
        var scratch = Directory.CreateTempSubdirectory("aimc-fw-").FullName;
        string[] mvm = ["mvm", "--seed", "3", "--random-inputs", "300", "--json"];

        var overWire = AimcProcess.Run([.. mvm, "--rig", SerialRig, "--port", port, "--out", Path.Combine(scratch, "firmware.npy")]);
        var inProcess = AimcProcess.Run([.. mvm, "--rig", SoftRig, "--ideal", "--out", Path.Combine(scratch, "emulator.npy")]);

        Assert.Equal(0, overWire.ExitCode);
        Assert.Equal(0, inProcess.ExitCode);
        // 300 vectors: two MVM_PACKED requests (the host sends 256 at a time), outputs as MAC values, every bit.
        Assert.Equal(File.ReadAllBytes(Path.Combine(scratch, "emulator.npy")), File.ReadAllBytes(Path.Combine(scratch, "firmware.npy")));
        foreach (var key in new[] { "chip", "rows", "cols", "batch", "lsb_mac", "full_scale_mac", "rmse_lsb", "max_abs_error_lsb", "saturated_outputs", "programming_pulses", "unconverged_cells" })
        {
            Assert.Equal(inProcess.Json.GetProperty(key).GetRawText(), overWire.Json.GetProperty(key).GetRawText());
        }
    }

    [FirmwareFact]
    public void HilTrainingOverTheFirmwareLearnsAsTheInProcessIdealChipDoes()
    {
        var port = StartFirmware();
        string[] run = ["train", "--mode", "hil", "--data", "synthetic", "--layers", "16,8,3", "--epochs", "10", "--reprogram", "every:10", "--json"];

        var overWire = AimcProcess.Run([.. run, "--rig", SerialRig, "--port", port, "--out", NewRunDirectory()]);
        var inProcess = AimcProcess.Run([.. run, "--rig", SoftRig, "--ideal", "--out", NewRunDirectory()]);

        Assert.Equal(0, overWire.ExitCode);
        Assert.Equal(0, inProcess.ExitCode);
        // Three classes: chance is 1/3; the chip learns well past it.
        Assert.InRange(overWire.Json.GetProperty("chip_test_accuracy").GetDouble(), 0.8, 1.0);
        Assert.Equal(0, overWire.Json.GetProperty("link_retries").GetInt32());
        foreach (var key in new[] { "chip_test_accuracy", "software_test_accuracy", "final_train_loss", "programming_pulses", "reprograms" })
        {
            Assert.Equal(inProcess.Json.GetProperty(key).GetRawText(), overWire.Json.GetProperty(key).GetRawText());
        }
    }

    [FirmwareFact]
    public void SigtermEndsTheFirmwareWithExitCodeZero()
    {
        var firmware = new FirmwareProcess();
        _firmware.Add(firmware);

        firmware.Terminate();

        Assert.True(firmware.WaitForExit(TimeSpan.FromSeconds(10)), "the firmware did not stop within 10 s of SIGTERM");
        Assert.Equal(0, firmware.ExitCode);
    }

    public void Dispose()
    {
        foreach (var firmware in _firmware)
        {
            firmware.Dispose();
        }
    }

    private string StartFirmware()
    {
        var firmware = new FirmwareProcess();
        _firmware.Add(firmware);
        return firmware.Port;
    }

    private static string NewRunDirectory() => Path.Combine(Directory.CreateTempSubdirectory("aimc-fw-").FullName, "run");
}
