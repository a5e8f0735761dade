using AimcHil.Numerics;

namespace AimcHil.Cli.Tests;

/// <summary>The aimc tool as a user meets it: JSON outputs with stable keys, one-line errors with a non-zero exit.</summary>
public class CliTests
{
    public static TheoryData<string> PresetFiles() => [.. RepositoryPaths.Presets().Select(f => Path.GetRelativePath(RepositoryPaths.Root, f))];

    [Theory]
    [MemberData(nameof(PresetFiles))]
    public void InfoDescribesEveryPreset(string rig)
    {
        var outcome = AimcProcess.Run("info", "--rig", rig, "--json");

        Assert.Equal(0, outcome.ExitCode);
        var chip = outcome.Json.GetProperty("chip");
        foreach (var key in new[] { "domain", "device", "rows", "cols", "tiles", "dac_bits", "adc_bits", "weight_encoding", "mac_full_scale", "non_idealities" })
        {
            Assert.True(chip.TryGetProperty(key, out _), $"missing key {key}");
        }
    }

    [Theory]
    [MemberData(nameof(PresetFiles))]
    public void IdealMvmIsWithinHalfAnLsbOnEveryPreset(string rig)
    {
        var outcome = AimcProcess.Run("mvm", "--rig", rig, "--ideal", "--random-inputs", "32", "--json");

        Assert.Equal(0, outcome.ExitCode);
        Assert.True(outcome.Json.GetProperty("max_abs_error_lsb").GetDouble() <= 0.5 + 1e-3, outcome.Stdout);
        Assert.Equal(0, outcome.Json.GetProperty("saturated_outputs").GetInt32());
        Assert.Equal(32, outcome.Json.GetProperty("batch").GetInt32());
    }

    [Fact]
    public void NonIdealMvmReportsAnErrorAboveQuantization()
    {
        var outcome = AimcProcess.Run("mvm", "--rig", "hil-rigs/rram-resistive-division.yaml", "--no-verify", "--json");

        Assert.Equal(0, outcome.ExitCode);
        Assert.True(outcome.Json.GetProperty("rmse_lsb").GetDouble() > 1);
        Assert.True(outcome.Json.GetProperty("programming_pulses").GetInt64() == 2 * 64 * 64);
    }

    [Fact]
    public void MvmReadsWeightsAndInputsAndWritesOutputs()
    {
        var dir = Directory.CreateTempSubdirectory("aimc-cli-");
        var w = Path.Combine(dir.FullName, "W.npy");
        var x = Path.Combine(dir.FullName, "X.npy");
        var y = Path.Combine(dir.FullName, "Y.npy");
        Npy.Write(w, Enumerable.Range(0, 12 * 5).Select(k => ((k % 7) - 3) / 3f).ToArray(), 12, 5);
        Npy.Write(x, Enumerable.Range(0, 3 * 12).Select(k => ((k % 5) - 2) / 2f).ToArray(), 3, 12);

        var outcome = AimcProcess.Run("mvm", "--rig", "hil-rigs/sram-capacitive-division.yaml", "--ideal", "--weights", w, "--inputs", x, "--out", y, "--json");

        Assert.Equal(0, outcome.ExitCode);
        var result = Npy.Read(y);
        Assert.Equal([3, 5], result.Shape);
        Assert.True(outcome.Json.GetProperty("max_abs_error_lsb").GetDouble() <= 0.5 + 1e-3);
    }

    [Fact]
    public void MissingRigFileIsOneLine() =>
        AimcProcess.AssertUserError(
            AimcProcess.Run("info", "--rig", "hil-rigs/nope.yaml"),
            $"{Path.Combine(RepositoryPaths.Root, "hil-rigs/nope.yaml")}: no such rig file (the presets are in hil-rigs/, e.g. hil-rigs/pcm-current-256.yaml)");

    [Fact]
    public void UnknownFieldIsOneLine()
    {
        var rig = Path.Combine(Directory.CreateTempSubdirectory("aimc-cli-").FullName, "bad.yaml");
        File.WriteAllText(rig, "kind: emulator\nchip:\n  adc:\n    bitz: 3\n");

        AimcProcess.AssertUserError(AimcProcess.Run("mvm", "--rig", rig), $"{rig}:4:5: unknown field 'bitz' in section adc; allowed: bits, range_mac, inl_peak_lsb");
    }

    [Fact]
    public void MalformedRigFileIsOneLine()
    {
        var rig = Path.Combine(Directory.CreateTempSubdirectory("aimc-cli-").FullName, "bad.yaml");
        File.WriteAllText(rig, "kind: emulator\nchip:\n  rows: [1, 2\n");

        var outcome = AimcProcess.Run("info", "--rig", rig);

        Assert.Equal(2, outcome.ExitCode);
        Assert.StartsWith($"aimc: error: {rig}:", outcome.Stderr);
        Assert.Single(outcome.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void WeightsOfTheWrongShapeAreOneLine()
    {
        var w = Path.Combine(Directory.CreateTempSubdirectory("aimc-cli-").FullName, "W.npy");
        Npy.Write(w, new float[300 * 2], 300, 2);

        AimcProcess.AssertUserError(
            AimcProcess.Run("mvm", "--rig", "hil-rigs/sram-time-domain.yaml", "--weights", w),
            $"{w}: weights of shape (300, 2) do not fit a tile: need a 2-D array of at most 128 rows × 64 cols");
    }

    [Fact]
    public void InputsOfTheWrongShapeAreOneLine()
    {
        var dir = Directory.CreateTempSubdirectory("aimc-cli-").FullName;
        var w = Path.Combine(dir, "W.npy");
        var x = Path.Combine(dir, "X.npy");
        Npy.Write(w, new float[10 * 4], 10, 4);
        Npy.Write(x, new float[3 * 9], 3, 9);

        AimcProcess.AssertUserError(
            AimcProcess.Run("mvm", "--rig", "hil-rigs/sram-time-domain.yaml", "--weights", w, "--inputs", x),
            $"{x}: inputs of shape (3, 9) do not match the weights: need (batch, 10)");
    }

    [Fact]
    public void WeightsOutsideTheNormalizedRangeAreOneLine()
    {
        var w = Path.Combine(Directory.CreateTempSubdirectory("aimc-cli-").FullName, "W.npy");
        Npy.Write(w, [0.5f, 2f], 1, 2);

        AimcProcess.AssertUserError(
            AimcProcess.Run("mvm", "--rig", "hil-rigs/sram-time-domain.yaml", "--weights", w),
            $"{w}: weight 2 at row 0, column 1 is outside [-1, 1]; scale the weights to the normalized range first");
    }

    [Fact]
    public void NotAnNpyFileIsOneLine()
    {
        var w = Path.Combine(Directory.CreateTempSubdirectory("aimc-cli-").FullName, "W.npy");
        File.WriteAllText(w, "hello");

        var outcome = AimcProcess.Run("mvm", "--rig", "hil-rigs/sram-time-domain.yaml", "--weights", w);

        Assert.Equal(2, outcome.ExitCode);
        Assert.StartsWith($"aimc: error: {w}", outcome.Stderr);
        Assert.DoesNotContain("   at ", outcome.Stderr);
    }

    [Fact]
    public void BenchMvmReportsBlasIdealAndNoisyThroughputForBothShapes()
    {
        var outcome = AimcProcess.Run("bench", "mvm", "--seconds", "0.05", "--json");

        Assert.Equal(0, outcome.ExitCode);
        Assert.False(string.IsNullOrEmpty(outcome.Json.GetProperty("blas_backend").GetString()));
        foreach (var name in new[] { "tile_256x256", "layer_784x256" })
        {
            var c = outcome.Json.GetProperty("cases").GetProperty(name);
            foreach (var key in new[] { "blas_gflops", "ideal_gflops", "noisy_gflops" })
            {
                Assert.True(c.GetProperty(key).GetDouble() > 0, $"{name}.{key}");
            }
        }

        Assert.Equal(4, outcome.Json.GetProperty("cases").GetProperty("layer_784x256").GetProperty("tiles").GetInt32());
    }
}
