using System.Text;
using AimcHil.Core;
using AimcHil.Emulator;

namespace AimcHil.Rig.Tests;

/// <summary>Rig files accept only sense: every number in its range, every key once, every section filled in, every
/// section a section. Each mistake is one line naming the file, the line, the field and what it takes.</summary>
public class RigFileRangeTests
{
    private const string Chip = "kind: emulator\nchip:\n  rows: 8\n  cols: 8\n";

    [Theory]
    [InlineData(Chip + "  column_mismatch:\n    gain_sigma: .nan\n", "r.yaml:6: column_mismatch.gain_sigma = NaN: must be a finite number from 0 to 1")]
    [InlineData(Chip + "  adc:\n    inl_peak_lsb: .nan\n", "r.yaml:6: adc.inl_peak_lsb = NaN: must be a finite number from -1024 to 1024")]
    [InlineData(Chip + "  current:\n    read_voltage: .nan\n", "r.yaml:6: current.read_voltage = NaN: must be a finite number > 0")]
    [InlineData(Chip + "  current:\n    read_voltage: 0\n", "r.yaml:6: current.read_voltage = 0: must be a finite number > 0")]
    [InlineData(Chip + "  charge:\n    read_voltage: -0.2\n", "r.yaml:6: charge.read_voltage = -0.2: must be a finite number > 0")]
    [InlineData(Chip + "  resistive_division:\n    read_volts: -0.2\n", "r.yaml:6: resistive_division.read_volts = -0.2: must be a finite number > 0")]
    [InlineData(Chip + "  rram:\n    read_noise_sigma: -0.01\n", "r.yaml:6: rram.read_noise_sigma = -0.01: must be a finite number ≥ 0")]
    [InlineData(Chip + "  column_mismatch:\n    offset_sigma_full_scale: .inf\n", "r.yaml:6: column_mismatch.offset_sigma_full_scale = infinity: must be a finite number from 0 to 1")]
    [InlineData(Chip + "  wires:\n    bit_segment_ohm: .inf\n", "r.yaml:6: wires.bit_segment_ohm = infinity: must be a finite number from 0 to 1000000")]
    [InlineData(Chip + "  adc:\n    range_mac: .inf\n", "r.yaml:6: adc.range_mac = infinity: must be a finite number > 0")]
    [InlineData(Chip + "  pcm:\n    g_max_siemens: .inf\n", "r.yaml:6: pcm.g_max_siemens = infinity: must be a finite number > 0 and ≤ 0.01")]
    [InlineData(Chip + "  time_domain:\n    jitter_kappa_root_seconds: -.inf\n", "r.yaml:6: time_domain.jitter_kappa_root_seconds = -infinity: must be a finite number ≥ 0")]
    [InlineData(Chip + "  timing:\n    pulse_seconds: 1e300\n", "r.yaml:6: timing.pulse_seconds = 1E+300: must be a finite number from 0 to 3600")]
    [InlineData("kind: emulator\nchip:\n  rows: -5\n", "r.yaml:3: rows = -5: must be a whole number from 1 to 4096")]
    [InlineData("kind: emulator\nchip:\n  rows: 0\n", "r.yaml:3: rows = 0: must be a whole number from 1 to 4096")]
    [InlineData(Chip + "  tiles: 0\n", "r.yaml:5: tiles = 0: must be a whole number from 1 to 1024")]
    [InlineData(Chip + "  dac:\n    bits: 0\n", "r.yaml:6: dac.bits = 0: must be a whole number from 2 to 16")]
    [InlineData(Chip + "  adc:\n    bits: 64\n", "r.yaml:6: adc.bits = 64: must be a whole number from 1 to 24")]
    [InlineData(Chip + "  charge_redistribution:\n    weight_bits: 40\n", "r.yaml:6: charge_redistribution.weight_bits = 40: must be a whole number from 2 to 16")]
    [InlineData("kind: tcp\nport: 127.0.0.1:5025\ntimeout_ms: 2147483647\n", "r.yaml:3: timeout_ms = 2147483647: must be a whole number from 1 to 600000")]
    [InlineData("kind: emulator\nchip:\n  rows: .inf\n", "r.yaml:3:9: rows: must be a whole number from 1 to 4096")]
    [InlineData("kind: emulator\nchip:\n  rows: 99999999999999\n", "r.yaml:3:9: rows: must be a whole number from 1 to 4096")]
    [InlineData(Chip + "  adc:\n    range_mac: lots\n", "r.yaml:6:16: adc.range_mac: must be a finite number > 0")]
    [InlineData("kind: emulator\nseed: -1\nchip:\n  rows: 8\n", "r.yaml:2:7: seed: must be a whole number ≥ 0")]
    public void NumbersOutsideTheirRangeAreRefusedAtTheirLine(string yaml, string message) => AssertRefused(yaml, message);

    [Theory]
    [InlineData("kind: emulator\nchip:\n  rows: 8\n  rows: 9\n", "r.yaml:4: rows is given twice (first on line 3): keep one")]
    [InlineData(Chip + "  adc:\n    bits: 8\n  adc:\n    bits: 6\n", "r.yaml:7: adc is given twice (first on line 5): keep one")]
    [InlineData("kind: emulator\nkind: tcp\n", "r.yaml:2: kind is given twice (first on line 1): keep one")]
    [InlineData(Chip + "  dac:\n", "r.yaml:5: dac is empty: expected a section with fields bits; fill it in or remove the line")]
    [InlineData(Chip + "  adc:\n", "r.yaml:5: adc is empty: expected a section with fields bits, range_mac, inl_peak_lsb; fill it in or remove the line")]
    [InlineData(Chip + "  column_mismatch:\n", "r.yaml:5: column_mismatch is empty: expected a section with fields enabled, gain_sigma, offset_sigma_full_scale, gain_file, offset_file; fill it in or remove the line")]
    [InlineData(Chip + "  wires: ~\n", "r.yaml:5: wires is empty: expected a section with fields word_segment_ohm, bit_segment_ohm, update_tolerance_lsb; fill it in or remove the line")]
    [InlineData(Chip + "  name:\n", "r.yaml:5: name is empty: expected text; fill it in or remove the line")]
    [InlineData("kind: emulator\nchip:\n  - 1\n  - 2\n", "r.yaml:2: chip: expected a section with fields name, domain, device, rows, cols, tiles, dac, adc, column_mismatch, wires, access_transistors, drift_compensation, timing, pulse_response, pcm, rram, sram, current, charge, charge_redistribution, capacitive_division, resistive_division, time_domain, stuck_map_file, not a list")]
    [InlineData(Chip + "  dac: 8\n", "r.yaml:5: dac: expected a section with fields bits, not a single value")]
    [InlineData(Chip + "  tiles: [1]\n", "r.yaml:5: tiles: expected a whole number, not a list")]
    [InlineData(Chip + "  domain: {current: 1}\n", "r.yaml:5: domain: expected one of current, charge, charge_redistribution, capacitive_division, resistive_division, time_domain, not a section")]
    [InlineData("kind: emulator\n? [a]\n: b\n", "r.yaml:2: a key is a field name such as kind or rows, not a list or a section")]
    [InlineData(Chip + "---\nkind: tcp\n", "r.yaml:5: a rig file is one YAML document, and a second one starts here (after ---); remove it or put it in a file of its own")]
    [InlineData("\u007fELF\u0002\u0001\u0001\0\0\0", "r.yaml:1: the rig file: expected a section with fields kind, description, seed, chip, direct, port, baud_rate, timeout_ms, attempts, secret_file, target_format, not a single value")]
    public void ShapesARigFileCannotHaveAreRefusedAtTheirLine(string yaml, string message) => AssertRefused(yaml, message);

    [Fact]
    public void AnEmptyDacListOfADirectRigIsRefusedAtItsLine()
    {
        var yaml = File.ReadAllText(Path.Combine(RepositoryPaths.Rigs, "direct-emulated.yaml"));
        var withoutDacs = string.Join('\n', yaml.Split('\n').Where(l => !l.Contains("part: ad5676", StringComparison.Ordinal)));

        var e = Assert.Throws<AimcException>(() => RigFileReader.Parse(withoutDacs, "r.yaml"));

        Assert.Equal("r.yaml:22: direct.inputs.dacs is empty: expected a list of sections with fields part, bus, chip_select, address, clock_hz, reference_volts, range_volts, channels_used, convst_line, busy_line, ready_line; fill it in or remove the line", e.Message);
    }

    [Theory]
    [InlineData("start_line: 20 ", "start_line: -1 ", "r.yaml:15: direct.start_line = -1: must be a whole number from 0 to 65535")]
    [InlineData("chip_select: 2,", "chip_select: lots,", "r.yaml:25:46: direct.inputs.dacs[2].chip_select: must be a whole number from 0 to 65535")]
    [InlineData("reference_volts: 2.5 }   # rows 16", "reference_volts: .nan }   # rows 16", "r.yaml:25: direct.inputs.dacs[2].reference_volts = NaN: must be a finite number > 0 and ≤ 1000")]
    public void DirectRigNumbersAreCheckedToo(string original, string replacement, string message)
    {
        var yaml = File.ReadAllText(Path.Combine(RepositoryPaths.Rigs, "direct-emulated.yaml"));
        Assert.Contains(original, yaml);

        AssertRefused(yaml.Replace(original, replacement, StringComparison.Ordinal), message);
    }

    [Theory]
    [InlineData("done_line: 21 ", "done_line: 20 ", "r.yaml: GPIO line 20 is both direct.start_line and direct.done_line; give each control line its own GPIO line (only CONVST may be shared)")]
    [InlineData("busy_line: 13 }", "busy_line: 21 }", "r.yaml: GPIO line 21 is both direct.done_line and direct.outputs.adcs[1].busy_line; give each control line its own GPIO line (only CONVST may be shared)")]
    public void DirectRigControlLinesAreOneRoleEach(string original, string replacement, string message)
    {
        var yaml = File.ReadAllText(Path.Combine(RepositoryPaths.Rigs, "direct-emulated.yaml"));
        Assert.Contains(original, yaml);
        var rig = RigFileReader.Parse(yaml.Replace(original, replacement, StringComparison.Ordinal), "r.yaml");

        Assert.Equal(message, Assert.Throws<AimcException>(() => RigConnector.Open(rig)).Message);
    }

    [Fact]
    public void ADirectoryIsNamedAsOne()
    {
        var dir = Directory.CreateTempSubdirectory("aimc-rig-dir-").FullName;

        Assert.Equal($"{dir}: is a directory, not a rig file (the presets are in hil-rigs/, e.g. hil-rigs/pcm-current-256.yaml)", Assert.Throws<AimcException>(() => RigFileReader.Read(dir)).Message);
    }

    [Fact]
    public void AnEndlessFileIsNotReadToTheEnd() =>
        Assert.Equal(
            "/dev/zero: is larger than 1024 KiB, which no rig file is; give a rig file (YAML, e.g. hil-rigs/pcm-current-256.yaml)",
            Assert.Throws<AimcException>(() => RigFileReader.Read("/dev/zero")).Message);

    [Fact]
    public void EveryNumericRigFileFieldHasARange() =>
        Assert.Empty(ValidRanges.Fields(typeof(RigFile)).Where(f => f.Range is null).Select(f => f.Path));

    /// <summary>hil-rigs/RIG-FILE.md shows the ranges the reader checks, generated from the same attributes. After
    /// changing a range, run this test with AIMC_UPDATE_DOCS=1 to rewrite the table.</summary>
    [Fact]
    public void TheDocumentedRangesAreTheCheckedRanges()
    {
        const string Begin = "<!-- ranges: generated from [ValidRange] by RigFileRangeTests; do not edit by hand -->";
        const string End = "<!-- end of ranges -->";
        var doc = Path.Combine(RepositoryPaths.Rigs, "RIG-FILE.md");
        var text = File.ReadAllText(doc);
        var start = text.IndexOf(Begin, StringComparison.Ordinal) + Begin.Length;
        var end = text.IndexOf(End, StringComparison.Ordinal);
        var table = new StringBuilder("\n| field | valid values |\n|---|---|\n");
        foreach (var f in ValidRanges.Fields(typeof(RigFile)))
        {
            table.Append($"| `{f.Path}` | {f.Range!.Describe(f.WholeNumber)["must be a ".Length..]} |\n");
        }

        table.Append('\n');
        if (Environment.GetEnvironmentVariable("AIMC_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(doc, text[..start] + table + text[end..]);
            return;
        }

        Assert.Equal(table.ToString(), text[start..end]);
    }

    private static void AssertRefused(string yaml, string message)
    {
        var e = Assert.Throws<AimcException>(() => RigFileReader.Parse(yaml, "r.yaml"));

        Assert.Equal(message, e.Message);
    }
}
