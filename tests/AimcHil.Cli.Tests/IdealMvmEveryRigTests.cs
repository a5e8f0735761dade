namespace AimcHil.Cli.Tests;

/// <summary>README: "--ideal leaves only the ADC's rounding: at most half an output LSB", on every rig file that runs
/// without hardware: the emulator presets (kind emulator) and the direct rigs on emulated buses (kind direct,
/// emulated: true), where the LSB is the board's ADC's (TC1's outputs are analog).</summary>
public class IdealMvmEveryRigTests
{
    /// <summary>Rig files of kind emulator, and of kind direct with <c>emulated: true</c>; serial, tcp and real direct
    /// rigs need a bridge or a board and are left out by their kind.</summary>
    public static TheoryData<string> RigsWithoutHardware() => [.. RigFiles()];

    [Theory]
    [MemberData(nameof(RigsWithoutHardware))]
    public void IdealMvmIsWithinHalfAnLsbOfTheChainsOneQuantizer(string rig)
    {
        var outcome = AimcProcess.Run("mvm", "--rig", rig, "--ideal", "--random-inputs", "16", "--json");

        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var json = outcome.Json;
        // 1e-3 LSB of slack, as CliTests allows; a converter finer than float32's 24 bits over a sum of products
        // resolves the emulator's arithmetic itself, so the slack is at least 2^-23 of full scale in that LSB (0.004
        // LSB of a 16-bit converter).
        var slack = Math.Max(1e-3, json.GetProperty("full_scale_mac").GetDouble() / json.GetProperty("lsb_mac").GetDouble() / (1 << 23));
        Assert.True(json.GetProperty("max_abs_error_lsb").GetDouble() <= 0.5 + slack, outcome.Stdout);
        Assert.Equal(0, json.GetProperty("saturated_outputs").GetInt32());
        Assert.Equal(16, json.GetProperty("batch").GetInt32());
    }

    [Fact]
    public void TheEmulatedDirectRigIsAmongThemAndTheBoardsAreNot()
    {
        var rigs = RigFiles().ToList();

        Assert.Contains(Path.Combine("hil-rigs", "direct-emulated.yaml"), rigs);
        Assert.Contains(Path.Combine("hil-rigs", "pcm-current-256.yaml"), rigs);
        Assert.DoesNotContain(Path.Combine("hil-rigs", "rpi-ad7606.yaml"), rigs);
        Assert.DoesNotContain(Path.Combine("hil-rigs", "virtual-serial.yaml"), rigs);
    }

    private static IEnumerable<string> RigFiles() =>
        Directory.GetFiles(RepositoryPaths.Rigs, "*.yaml").Order().Where(RunsWithoutHardware).Select(f => Path.GetRelativePath(RepositoryPaths.Root, f));

    private static bool RunsWithoutHardware(string file)
    {
        var lines = File.ReadAllLines(file);
        var kind = lines.FirstOrDefault(l => l.StartsWith("kind:", StringComparison.Ordinal))?["kind:".Length..].Split('#')[0].Trim();
        return kind switch
        {
            "emulator" => true,
            "direct" => lines.Any(l => l.Split('#')[0].Trim() == "emulated: true"),
            _ => false,
        };
    }
}
