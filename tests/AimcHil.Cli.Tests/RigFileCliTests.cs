namespace AimcHil.Cli.Tests;

/// <summary>Rig files and geometries a careless or hostile user writes: each ends in one line and exit code 2, never a
/// stack trace, a chip of zeros with exit 0, or an out-of-memory crash.</summary>
public sealed class RigFileCliTests
{
    private const string Chip = "kind: emulator\nchip:\n  rows: 8\n  cols: 8\n";

    private static readonly string Folder = Directory.CreateTempSubdirectory("aimc-rigfile-").FullName;

    [Theory]
    [InlineData("info", Chip + "  column_mismatch:\n    gain_sigma: .nan\n", "6: column_mismatch.gain_sigma = NaN: must be a finite number from 0 to 1")]
    [InlineData("info", Chip + "  adc:\n    inl_peak_lsb: .nan\n", "6: adc.inl_peak_lsb = NaN: must be a finite number from -1024 to 1024")]
    [InlineData("mvm", Chip + "  adc:\n    range_mac: .inf\n", "6: adc.range_mac = infinity: must be a finite number > 0")]
    [InlineData("mvm", Chip + "  pcm:\n    g_max_siemens: .inf\n", "6: pcm.g_max_siemens = infinity: must be a finite number > 0 and ≤ 0.01")]
    [InlineData("info", Chip + "  current:\n    read_voltage: 0\n", "6: current.read_voltage = 0: must be a finite number > 0")]
    [InlineData("info", Chip + "  current:\n    read_volts: -1\n", "6: current.read_volts = -1: must be a finite number > 0")]
    [InlineData("info", Chip + "  charge:\n    read_voltage: 0.2\n    read_volts: 0.2\n", "7: charge.read_voltage (line 6) and charge.read_volts (line 7) are the same field: keep read_volts and remove read_voltage, its deprecated spelling")]
    [InlineData("info", Chip + "  rows: 9\n", "5: rows is given twice (first on line 3): keep one")]
    [InlineData("info", Chip + "  dac:\n", "5: dac is empty: expected a section with fields bits; fill it in or remove the line")]
    [InlineData("info", "kind: emulator\nchip:\n  - 1\n", "2: chip: expected a section with fields name, domain, device, rows, cols, tiles, dac, adc, column_mismatch, wires, access_transistors, drift_compensation, timing, pulse_response, pcm, rram, sram, current, charge, charge_redistribution, capacitive_division, resistive_division, time_domain, stuck_map_file, not a list")]
    public void NonsenseInARigFileIsOneLine(string command, string yaml, string message)
    {
        var rig = Write(yaml);

        AimcProcess.AssertUserError(AimcProcess.Run(command, "--rig", rig), $"{rig}:{message}");
    }

    [Theory]
    [InlineData("start_line: 20 ", "start_line: -1 ", "15: direct.start_line = -1: must be a whole number from 0 to 65535")]
    [InlineData("done_line: 21 ", "done_line: 20 ", " GPIO line 20 is both direct.start_line and direct.done_line; give each control line its own GPIO line (only CONVST may be shared)")]
    public void DirectRigMistakesAreOneLine(string original, string replacement, string message)
    {
        var rig = Write(File.ReadAllText(Path.Combine(RepositoryPaths.Rigs, "direct-emulated.yaml")).Replace(original, replacement, StringComparison.Ordinal));

        AimcProcess.AssertUserError(AimcProcess.Run("info", "--rig", rig), $"{rig}:{message}");
    }

    /// <summary>A rig file with a deprecated key still works; standard error says once, in one line, what to write
    /// instead, and standard output is the same as with the new key.</summary>
    [Fact]
    public void TheOldReadVoltageKeyWorksWithOneWarningLine()
    {
        var old = Write(Chip + "  current:\n    read_voltage: 0.3\n");
        var renamed = Write(Chip + "  current:\n    read_volts: 0.3\n");

        var withOld = AimcProcess.Run("info", "--rig", old);
        var withNew = AimcProcess.Run("info", "--rig", renamed);

        Assert.Equal((0, 0), (withOld.ExitCode, withNew.ExitCode));
        Assert.Equal($"aimc: warning: {old}:6: read_voltage is deprecated: write read_volts (same unit, volts)\n", withOld.Stderr);
        Assert.Equal(string.Empty, withNew.Stderr);
        Assert.Equal(withNew.Stdout.Replace(renamed, old, StringComparison.Ordinal), withOld.Stdout);
    }

    [Fact]
    public void ADirectoryIsNamedAsOne() =>
        AimcProcess.AssertUserError(AimcProcess.Run("info", "--rig", Folder), $"{Folder}: is a directory, not a rig file (the presets are in hil-rigs/, e.g. hil-rigs/pcm-current-256.yaml)");

    /// <summary>The largest geometry the format allows is refused when opened, with what it needs and what there is.</summary>
    [Fact]
    public void AChipThatCannotFitInMemoryIsRefusedWithTheNumbers()
    {
        var rig = Write("kind: emulator\nchip:\n  rows: 4096\n  cols: 4096\n  tiles: 1024\n");

        var outcome = AimcProcess.Run("info", "--rig", rig);

        Assert.Equal(2, outcome.ExitCode);
        Assert.Matches(
            $@"^aimc: error: {System.Text.RegularExpressions.Regex.Escape(rig)}: 1024 tiles of 4096×4096 cells \(2 device arrays each\) need about 655\.0 GB of memory and [0-9]+\.[0-9] GB are available: lower tiles, rows or cols \(see hil-rigs/RIG-FILE\.md, limits\)\n$",
            outcome.Stderr);
    }

    /// <summary>JSON has no NaN: a value that does not apply is null (a string "NaN" broke readers expecting a number);
    /// the keys stay as they are.</summary>
    [Fact]
    public void JsonCarriesNullWhereANumberIsNotFinite()
    {
        var json = JsonOutput.Serialize(new { ValueNan = double.NaN, Peak = double.PositiveInfinity, Single = float.NaN, Maybe = (double?)double.NegativeInfinity, Kept = 0.1f, Plain = 2.5 });

        Assert.Equal("{\"value_nan\":null,\"peak\":null,\"single\":null,\"maybe\":null,\"kept\":0.1,\"plain\":2.5}", json.ReplaceLineEndings(string.Empty).Replace(" ", string.Empty, StringComparison.Ordinal));
    }

    private static string Write(string yaml)
    {
        var path = Path.Combine(Folder, $"{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
