using AimcHil.Core;

namespace AimcHil.Rig.Tests;

/// <summary>Rig files: every preset opens; every mistake gets one line naming file, place, field and what is allowed.</summary>
public class RigFileReaderTests
{
    public static TheoryData<string> PresetFiles() => [.. RepositoryPaths.Presets().Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(PresetFiles))]
    public void EveryPresetOpensAsItsDeclaredChip(string file)
    {
        var rig = RigFileReader.Read(Path.Combine(RepositoryPaths.Rigs, file));
        using var chip = RigConnector.Open(rig);

        Assert.Equal(RigKind.Emulator, rig.Kind);
        Assert.False(string.IsNullOrWhiteSpace(rig.Description));
        Assert.Equal(rig.Chip!.Domain, chip.Info.Domain);
        Assert.Equal(rig.Chip.Rows, chip.Info.Rows);
        Assert.Contains(chip.Info.NonIdealities, n => n.Enabled && n.Name != "dac_quantization" && n.Name != "adc_quantization" && n.Name != "output_saturation");
    }

    public static TheoryData<string> LinkRigFiles() => [.. RepositoryPaths.LinkRigs().Select(f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(LinkRigFiles))]
    public void LinkRigFilesNameTheirPortAndKind(string file)
    {
        var rig = RigFileReader.Read(Path.Combine(RepositoryPaths.Rigs, file));

        Assert.Equal(file.Contains("tcp", StringComparison.Ordinal) ? RigKind.Tcp : RigKind.Serial, rig.Kind);
        Assert.Equal(rig.Kind == RigKind.Tcp, LinkAddress.Parse(rig.Port!).IsTcp);
        Assert.Null(rig.Chip);
    }

    [Fact]
    public void ALinkRigWithoutAPortSaysWhereToGiveIt()
    {
        var rig = RigFileReader.Parse("kind: serial\n", "r.yaml");

        var error = Assert.Throws<AimcException>(() => RigConnector.Open(rig));

        Assert.Equal("r.yaml: kind serial needs 'port' (a tty such as /dev/ttyACM0, or HOST:PORT), or --port on the command line", error.Message);
    }

    [Theory]
    [InlineData("/dev/ttyACM0", false, null, 0)]
    [InlineData("/tmp/aimc-virtual-rig", false, null, 0)]
    [InlineData("127.0.0.1:5025", true, "127.0.0.1", 5025)]
    [InlineData("bench-3:7000", true, "bench-3", 7000)]
    [InlineData("[::1]:5025", true, "::1", 5025)]
    public void PortsAreDevicePathsOrHostAndPort(string text, bool tcp, string? host, int port)
    {
        var address = LinkAddress.Parse(text);

        Assert.Equal(tcp, address.IsTcp);
        Assert.Equal(host, address.Host);
        Assert.Equal(port, address.TcpPort);
    }

    [Theory]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("127.0.0.1:http")]
    public void TcpPortsOutOfRangeAreRefused(string text) =>
        Assert.Equal(
            $"{text}: the TCP port must be a number from 1 to 65535 (HOST:PORT, e.g. 127.0.0.1:5025)",
            Assert.Throws<AimcException>(() => LinkAddress.Parse(text)).Message);

    [Fact]
    public void PresetsCoverAllSixComputationDomains()
    {
        var domains = RepositoryPaths.Presets().Select(f => RigFileReader.Read(f).Chip!.Domain).ToHashSet();

        Assert.Equal(Enum.GetValues<ComputationDomain>().ToHashSet(), domains);
    }

    [Theory]
    [InlineData("kind: emulator\nchip:\n  domain: current\n  rowz: 4\n", "r.yaml:4:3: unknown field 'rowz' in chip; allowed: name, domain, device, rows, cols, tiles, dac, adc, column_mismatch, wires, access_transistors, drift_compensation, timing, pulse_response, pcm, rram, sram, current, charge, charge_redistribution, capacitive_division, resistive_division, time_domain, stuck_map_file")]
    [InlineData("kind: emulator\nchip:\n  adc:\n    bitz: 3\n", "r.yaml:4:5: unknown field 'bitz' in section adc; allowed: bits, range_mac, inl_peak_lsb")]
    [InlineData("kind: emulator\nchip:\n  domain: curent\n", "r.yaml:3:11: domain: 'curent' is not allowed; allowed: current, charge, charge_redistribution, capacitive_division, resistive_division, time_domain")]
    [InlineData("kind: emulator\nchip:\n  rows: many\n", "r.yaml:3:9: rows: must be a whole number from 1 to 4096")]
    [InlineData("kind: emulator\nchip:\n  pcm:\n    drift: maybe\n", "r.yaml:4:12: drift: expected true or false")]
    [InlineData("kind: emulator\nchip:\n  rram:\n    iv_a3: 0.1\n", "r.yaml:4:5: field 'iv_a3' in section rram was replaced: the I–V curve now takes the voltage across the device; use iv_a3_per_volt_squared, the old value divided by the read voltage squared (0.1 at 0.2 V is 2.5)")]
    [InlineData("kind: emulator\nchip:\n  time_domain:\n    jitter_sigma_seconds: 1.0e-12\n", "r.yaml:4:5: field 'jitter_sigma_seconds' in section time_domain was replaced: jitter now accumulates with delay; use jitter_kappa_root_seconds, κ in √s with σ = κ·√T for a chain of delay T (1 ps per 1 ns stage is 3.16e-8)")]
    [InlineData("kind: satellite\n", "r.yaml:1:7: kind: 'satellite' is not allowed; allowed: emulator, serial, tcp, direct")]
    [InlineData("", "r.yaml: the rig file is empty; it needs at least 'kind' and, for kind emulator, a 'chip' section")]
    [InlineData("kind: emulator\n", "r.yaml: kind emulator needs a 'chip' section (domain, device, rows, cols, …)")]
    public void MistakesAreExplainedInOneLine(string yaml, string message)
    {
        var e = Assert.Throws<AimcException>(() => RigFileReader.Parse(yaml, "r.yaml"));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void MalformedYamlIsReportedAtItsPlace()
    {
        var e = Assert.Throws<AimcException>(() => RigFileReader.Parse("kind: emulator\nchip: [1, 2\n", "r.yaml"));

        Assert.StartsWith("r.yaml:", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void MissingFileSaysWhereThePresetsAre()
    {
        var e = Assert.Throws<AimcException>(() => RigFileReader.Read("no/such/rig.yaml"));

        Assert.Equal("no/such/rig.yaml: no such rig file (the presets are in hil-rigs/, e.g. hil-rigs/pcm-current-256.yaml)", e.Message);
    }

    [Theory]
    [InlineData("kind: emulator\nchip:\n  domain: charge_redistribution\n  device: pcm\n", "r.yaml: domain charge_redistribution needs binary cells that switch unit capacitors: use device sram, not pcm")]
    [InlineData("kind: emulator\nchip:\n  domain: time_domain\n  device: sram\n  time_domain:\n    delay_range_seconds: 2.0e-9\n", "r.yaml: time_domain.delay_range_seconds (2e-09) must not exceed stage_delay_seconds (1e-09): a stage cannot have a negative delay")]
    public void ImpossibleChipsAreRefusedWhenOpened(string yaml, string message)
    {
        var rig = RigFileReader.Parse(yaml, "r.yaml");

        var e = Assert.Throws<AimcException>(() => RigConnector.Open(rig));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void IdealOptionSwitchesEveryNonIdealityOffButQuantization()
    {
        using var chip = RigConnector.Open(Path.Combine(RepositoryPaths.Rigs, "pcm-current-256.yaml"), new RigOptions { Ideal = true });

        var on = chip.Info.NonIdealities.Where(n => n.Enabled).Select(n => n.Name).Order();

        Assert.Equal(["adc_quantization", "dac_quantization", "output_saturation"], on);
    }
}
