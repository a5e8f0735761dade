namespace AimcHil.Cli.Tests;

/// <summary>Interoperability of AUTH (PROTOCOL.md 5.2): the real host stack against the C firmware's host build
/// started with --secret-file. A rig file naming the same secret is served, bit for bit as the in-process ideal chip;
/// another secret, or none, ends in one line; and the firmware serves the next host after refusing one.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FirmwareAuthInteropTests : IDisposable
{
    private const string SoftRig = "firmware-protocol/firmware/rigs/soft-crossbar-32.yaml";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("aimc-fw-secret-");
    private readonly List<FirmwareProcess> _firmware = [];

    [FirmwareFact]
    public void MvmWithTheRightSecretEqualsTheInProcessIdealChipBitForBit()
    {
        // The firmware's file ends in a line end and the host's does not: both keys are "bench secret".
        var port = StartFirmware(Secret("rig.secret", "bench secret\n"));
        var rig = RigFile(Secret("host.secret", "bench secret"));
        string[] mvm = ["mvm", "--seed", "3", "--random-inputs", "24", "--json"];

        var overWire = AimcProcess.Run([.. mvm, "--rig", rig, "--port", port, "--out", Path.Combine(_dir.FullName, "firmware.npy")]);
        var inProcess = AimcProcess.Run([.. mvm, "--rig", SoftRig, "--ideal", "--out", Path.Combine(_dir.FullName, "emulator.npy")]);

        Assert.True(overWire.ExitCode == 0, overWire.Stderr);
        Assert.Equal(0, inProcess.ExitCode);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir.FullName, "emulator.npy")), File.ReadAllBytes(Path.Combine(_dir.FullName, "firmware.npy")));
        foreach (var key in new[] { "chip", "rmse_lsb", "max_abs_error_lsb", "saturated_outputs", "programming_pulses" })
        {
            Assert.Equal(inProcess.Json.GetProperty(key).GetRawText(), overWire.Json.GetProperty(key).GetRawText());
        }
    }

    [FirmwareFact]
    public void AWrongSecretOrNoneIsRefusedInOneLineAndTheNextHostIsServed()
    {
        var port = StartFirmware(Secret("rig.secret", "bench secret\n"));
        string[] mvm = ["mvm", "--seed", "3", "--random-inputs", "4", "--port", port];

        var wrong = AimcProcess.Run([.. mvm, "--rig", RigFile(Secret("wrong.secret", "another secret\n"))]);
        var none = AimcProcess.Run("probe", "--port", port);
        var right = AimcProcess.Run([.. mvm, "--json", "--rig", RigFile(Secret("host.secret", "bench secret\n"))]);

        AimcProcess.AssertUserError(wrong, $"rig on {port} refused this host: wrong shared secret: the host's secret file differs from the rig's");
        AimcProcess.AssertUserError(none, $"rig on {port} needs a shared secret: add secret_file: PATH (a file only you can read, holding the rig's secret) to the rig file");
        Assert.True(right.ExitCode == 0, right.Stderr);
        Assert.Equal(4, right.Json.GetProperty("batch").GetInt32());
    }

    public void Dispose()
    {
        foreach (var firmware in _firmware)
        {
            firmware.Dispose();
        }

        _dir.Delete(recursive: true);
    }

    private string StartFirmware(string secretFile)
    {
        var firmware = new FirmwareProcess("--secret-file", secretFile);
        _firmware.Add(firmware);
        return firmware.Port;
    }

    /// <summary>The serial rig file of the host target (rigs/host-serial.yaml) with a secret_file relative to it.</summary>
    private string RigFile(string secretFile)
    {
        var path = Path.Combine(_dir.FullName, $"rig-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"kind: serial\nport: /dev/null\nbaud_rate: 921600\ntimeout_ms: 500\nattempts: 3\nseed: 1\ntarget_format: f32\nsecret_file: {Path.GetFileName(secretFile)}\n");
        return path;
    }

    /// <summary>A file readable only by its owner, as both sides require of a secret file.</summary>
    private string Secret(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }
}
