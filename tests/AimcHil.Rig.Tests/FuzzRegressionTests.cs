using AimcHil.Core;

namespace AimcHil.Rig.Tests;

/// <summary>Rig file texts the fuzzer (tools/fuzz, target rigfile) found to end in an exception other than the
/// documented <see cref="AimcException"/>, kept so they stay fixed. Each text is the shortest that showed it.</summary>
public class FuzzRegressionTests
{
    [Theory]
    [InlineData("!!%06")]
    [InlineData("!<%06> x")]
    public void A_tag_that_is_not_a_valid_uri_is_a_one_line_error(string yaml)
    {
        var e = Assert.Throws<AimcException>(() => RigFileReader.Parse(yaml, "fuzz.yaml"));

        Assert.StartsWith("fuzz.yaml:", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>The passive 1R preset with g_max_siemens 1e78 (one mutated digit): the IR-drop solver throws
    /// InvalidOperationException ("did not converge … loss of positive definiteness") when the chip is opened.</summary>
    [Fact]
    public void An_absurd_conductance_is_refused_in_one_line_not_by_the_ir_drop_solver()
    {
        var yaml = File.ReadAllText(Path.Combine(RepositoryPaths.Rigs, "rram-passive-1r.yaml"))
            .Replace("g_max_siemens: 100.0e-6", "g_max_siemens: 100.0e76", StringComparison.Ordinal);

        var e = Assert.Throws<AimcException>(() =>
        {
            using var chip = RigConnector.OpenEmulator(RigFileReader.Parse(yaml, "fuzz.yaml"), new RigOptions());
            chip.Mvm(0, new Grid<int>(1, chip.Info.Rows, Enumerable.Repeat(1, chip.Info.Rows).ToArray()));
        });

        Assert.Contains("g_max_siemens", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Every rig-file crash the fuzzer's CI run found (YamlDotNet's scanner throwing
    /// InvalidOperationException on mutated presets), kept as found in FuzzFindings/: each is read into a rig or
    /// refused with one line naming the file, never another exception.</summary>
    public static TheoryData<string> Findings() => new(Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "tests", "AimcHil.Rig.Tests", "FuzzFindings")).Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Findings))]
    public void A_fuzzer_finding_is_read_or_refused_in_one_line(string name)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "AimcHil.Rig.Tests", "FuzzFindings", name));

        try
        {
            RigFileReader.Parse(text, name);
        }
        catch (AimcException e)
        {
            Assert.StartsWith(name, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
        }
    }
}
