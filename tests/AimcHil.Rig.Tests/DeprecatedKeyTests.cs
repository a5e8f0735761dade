using AimcHil.Core;

namespace AimcHil.Rig.Tests;

/// <summary>read_voltage became read_volts, the unit as a suffix like rail_volts: a file with the old key still reads
/// the same chip, with one warning line per old key; a file with the new key reads silently; a file with both is
/// refused; and a mistake in the value names the key as the user wrote it.</summary>
public class DeprecatedKeyTests
{
    private const string Chip = "kind: emulator\nchip:\n  rows: 8\n  cols: 8\n";

    /// <summary>The rename works on the parser's keys, not on the text's lines, so a flow mapping reads the same.</summary>
    [Theory]
    [InlineData(Chip + "  current:\n    read_voltage: 0.35\n", "aimc: warning: r.yaml:6: read_voltage is deprecated: write read_volts (same unit, volts)\n")]
    [InlineData(Chip + "  current: { read_voltage: 0.35 }\n", "aimc: warning: r.yaml:5: read_voltage is deprecated: write read_volts (same unit, volts)\n")]
    [InlineData(Chip + "  current:\n    read_volts: 0.35\n", "")]
    public void TheOldKeyReadsTheSameValueWithOneWarningLineAndTheNewKeySilently(string yaml, string warning)
    {
        var warnings = new StringWriter();

        var rig = RigFileReader.Parse(yaml, "r.yaml", warnings);

        Assert.Equal(0.35, rig.Chip!.Current!.ReadVolts);
        Assert.Equal(warning, warnings.ToString());
    }

    [Fact]
    public void EachOldKeyInAFileGetsItsOwnLine()
    {
        var warnings = new StringWriter();

        var rig = RigFileReader.Parse(Chip + "  charge:\n    read_voltage: 0.3\n  resistive_division:\n    read_voltage: 0.4\n", "r.yaml", warnings);

        Assert.Equal((0.3, 0.4), (rig.Chip!.Charge!.ReadVolts, rig.Chip.ResistiveDivision!.ReadVolts));
        Assert.Equal(
            "aimc: warning: r.yaml:6: read_voltage is deprecated: write read_volts (same unit, volts)\n" +
            "aimc: warning: r.yaml:8: read_voltage is deprecated: write read_volts (same unit, volts)\n",
            warnings.ToString());
    }

    [Fact]
    public void EveryPresetUsesTheNewKeys()
    {
        foreach (var file in Directory.GetFiles(RepositoryPaths.Rigs, "*.yaml"))
        {
            var warnings = new StringWriter();

            RigFileReader.Read(file, warnings);

            Assert.True(warnings.ToString().Length == 0, $"{file}: {warnings}");
        }
    }

    [Theory]
    [InlineData(Chip + "  current:\n    read_voltage: 0.2\n    read_volts: 0.3\n", "r.yaml:7: current.read_voltage (line 6) and current.read_volts (line 7) are the same field: keep read_volts and remove read_voltage, its deprecated spelling")]
    [InlineData(Chip + "  charge:\n    read_volts: 0.3\n    read_voltage: 0.2\n", "r.yaml:7: charge.read_volts (line 6) and charge.read_voltage (line 7) are the same field: keep read_volts and remove read_voltage, its deprecated spelling")]
    [InlineData(Chip + "  current:\n    read_voltage: 0.2\n    read_voltage: 0.3\n", "r.yaml:7: current.read_voltage is given twice (first on line 6): keep one")]
    [InlineData(Chip + "  current:\n    read_voltage: 0\n", "r.yaml:6: current.read_voltage = 0: must be a finite number > 0")]
    [InlineData(Chip + "  current:\n    read_volts: 0\n", "r.yaml:6: current.read_volts = 0: must be a finite number > 0")]
    [InlineData(Chip + "  resistive_division:\n    read_voltage: .nan\n", "r.yaml:6: resistive_division.read_voltage = NaN: must be a finite number > 0")]
    [InlineData(Chip + "  current:\n    read_voltage: high\n", "r.yaml:6:19: current.read_voltage: must be a finite number > 0")]
    [InlineData(Chip + "  current:\n    read_volts: high\n", "r.yaml:6:17: current.read_volts: must be a finite number > 0")]
    [InlineData(Chip + "  current:\n    read_voltage:\n", "r.yaml:6: current.read_voltage is empty: expected a number (units are in the field name); fill it in or remove the line")]
    [InlineData(Chip + "  pcm:\n    read_voltage: 0.2\n", "r.yaml:6:5: unknown field 'read_voltage' in section pcm; allowed: g_max_siemens, programming_noise, programming_noise_scale, drift, drift_scale, t0_seconds, read_noise, read_noise_scale, t_read_seconds, stuck_at, stuck_on_fraction, stuck_off_fraction")]
    public void MistakesNameTheKeyAsWritten(string yaml, string message)
    {
        var warnings = new StringWriter();

        var e = Assert.Throws<AimcException>(() => RigFileReader.Parse(yaml, "r.yaml", warnings));

        Assert.Equal(message, e.Message);
        Assert.Equal(string.Empty, warnings.ToString());
    }
}
