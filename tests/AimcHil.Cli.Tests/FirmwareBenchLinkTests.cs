namespace AimcHil.Cli.Tests;

/// <summary><c>aimc bench link --port</c> against the C reference firmware's host build: the same requests cross
/// the line in the same wire bytes as against the virtual rig serving the same chip (timings are the benchmark's
/// output, not checked here).</summary>
public sealed class FirmwareBenchLinkTests : IDisposable
{
    private readonly List<FirmwareProcess> _firmware = [];

    [FirmwareFact]
    public void BenchLinkOverTheFirmwareCountsTheWireBytesTheVirtualRigOfTheSameChipDoes()
    {
        var firmware = new FirmwareProcess();
        _firmware.Add(firmware);

        var overFirmware = AimcProcess.Run("bench", "link", "--port", firmware.Port, "--protocol", "1.2", "--round-trips", "50", "--json");
        var overVirtualRig = AimcProcess.Run("bench", "link", "--rig", "firmware-protocol/firmware/rigs/soft-crossbar-32.yaml", "--protocol", "1.2", "--round-trips", "50", "--hil-steps", "0", "--json");

        Assert.True(overFirmware.ExitCode == 0, overFirmware.Stderr);
        Assert.Equal(0, overVirtualRig.ExitCode);
        Assert.Equal(firmware.Port, overFirmware.Json.GetProperty("rig").GetString());
        Assert.Equal("1.2", overFirmware.Json.GetProperty("protocol").GetString());
        // A bridge has no hil step measurement (the 784-256-10 MLP needs a 256x256 chip).
        Assert.Equal("null", overFirmware.Json.GetProperty("hil").GetRawText());
        foreach (var key in new[] { "max_payload", "window", "payload_efficiency", "wire_bytes_per_mvm", "min_wire_bytes_per_mvm", "min_wire_bytes_per_reprogram" })
        {
            Assert.Equal(overVirtualRig.Json.GetProperty(key).GetRawText(), overFirmware.Json.GetProperty(key).GetRawText());
        }
    }

    [Fact]
    public void BenchLinkOnAPortWithNothingBehindItSaysWhatToCheck() =>
        AimcProcess.AssertUserError(
            AimcProcess.Run("bench", "link", "--port", "/dev/aimc-no-such-bridge"),
            "/dev/aimc-no-such-bridge: no such device: is the bridge plugged in? (ls /dev/ttyACM* /dev/ttyUSB*)");

    public void Dispose()
    {
        foreach (var firmware in _firmware)
        {
            firmware.Dispose();
        }
    }
}
