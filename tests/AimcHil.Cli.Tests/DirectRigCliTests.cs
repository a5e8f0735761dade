namespace AimcHil.Cli.Tests;

/// <summary>Specification of the direct rig on emulated buses: the drivers and the TC1 client run unchanged against
/// register-level emulations, so the commands give the in-process emulator's results within the added ADC quantization.</summary>
public sealed class DirectRigCliTests : IDisposable
{
    private readonly string _emulatorRig = EmulatorTwin();

    /// <summary>The same chip, seed and weights: the relative MVM errors agree within the external ADC's quantization.
    /// TC1 has no column ADC (its outputs are analog), so the in-process twin's ADC is given the AD7606's grid (16 bit
    /// over the same ±8 MAC): each chain rounds the same analog value once, to at most half of 8 MAC / 32768.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MvmErrorsMatchTheInProcessEmulatorWithinTheAddedAdcQuantization(bool ideal)
    {
        string[] ideally = ideal ? ["--ideal"] : [];
        var direct = AimcProcess.Run(["mvm", "--rig", "hil-rigs/direct-emulated.yaml", "--json", .. ideally]);
        var inProcess = AimcProcess.Run(["mvm", "--rig", _emulatorRig, "--json", .. ideally]);

        Assert.Equal(0, direct.ExitCode);
        Assert.Equal(0, inProcess.ExitCode);
        var addedRelative = 0.5 * 8.0 / 32768 / direct.Json.GetProperty("full_scale_mac").GetDouble();
        foreach (var key in new[] { "rmse_relative_full_scale", "max_abs_error_relative_full_scale" })
        {
            Assert.InRange(
                direct.Json.GetProperty(key).GetDouble() - inProcess.Json.GetProperty(key).GetDouble(),
                -addedRelative,
                addedRelative);
        }

        Assert.Equal(inProcess.Json.GetProperty("programming_pulses").GetInt64(), direct.Json.GetProperty("programming_pulses").GetInt64());
        Assert.Equal(0.000244140625, direct.Json.GetProperty("lsb_mac").GetDouble());
    }

    [Fact]
    public void AShortHilTrainingOnTheDirectRigLearns()
    {
        var run = Path.Combine(Directory.CreateTempSubdirectory("aimc-direct-").FullName, "run");

        var outcome = AimcProcess.Run("train", "--mode", "hil", "--rig", "hil-rigs/direct-emulated.yaml", "--data", "synthetic", "--layers", "16,8,3",
            "--epochs", "5", "--lr", "0.01", "--optimizer", "sgd", "--reprogram", "every:10", "--out", run, "--json");

        Assert.Equal(0, outcome.ExitCode);
        Assert.True(outcome.Json.GetProperty("chip_test_accuracy").GetDouble() > 0.6, outcome.Stdout);
        Assert.True(outcome.Json.GetProperty("final_train_loss").GetDouble() < 0.9, outcome.Stdout);
        Assert.True(outcome.Json.GetProperty("programming_pulses").GetInt64() > 0);
    }

    [Fact]
    public void InfoDescribesTheChipBehindTheRegisterInterface()
    {
        var info = AimcProcess.Run("info", "--rig", "hil-rigs/direct-emulated.yaml", "--json");

        Assert.Equal(0, info.ExitCode);
        var chip = info.Json.GetProperty("chip");
        Assert.Equal("direct: TC1 on /dev/spidev0.0", chip.GetProperty("transport").GetString());
        Assert.Equal(32, chip.GetProperty("rows").GetInt32());
        Assert.Equal(16, chip.GetProperty("cols").GetInt32());
    }

    [Fact]
    public void BenchDirectReadsOutAtTheDatasheetMinimum()
    {
        var bench = AimcProcess.Run("bench", "direct", "--json");

        Assert.Equal(0, bench.ExitCode);
        foreach (var name in new[] { "ad7606_64", "mcp3008_64" })
        {
            var c = bench.Json.GetProperty("cases").GetProperty(name);
            Assert.InRange(c.GetProperty("kernel_calls_per_mvm").GetInt32(), c.GetProperty("min_kernel_calls_per_mvm").GetInt32(), c.GetProperty("min_kernel_calls_per_mvm").GetInt32() + 1);
            Assert.Equal(c.GetProperty("min_bus_bytes_per_mvm").GetInt32(), c.GetProperty("bus_bytes_per_mvm").GetInt32());
        }
    }

    public void Dispose() => File.Delete(_emulatorRig);

    /// <summary>The chip of direct-emulated.yaml as an in-process emulator rig file, its column ADC on the AD7606's grid.</summary>
    private static string EmulatorTwin()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Rigs, "direct-emulated.yaml"));
        var chip = text[(text.IndexOf("\nchip:", StringComparison.Ordinal) + 1)..];
        // The rig file gives the chip's adc section its range only (TC1 has no column ADC to give bits to).
        var adc = chip.IndexOf("\n  adc:", StringComparison.Ordinal);
        var end = adc < 0 ? -1 : chip.IndexOf('\n', adc + 1);
        Assert.True(end > 0 && !chip.Contains("\n    bits: 8\n    range_mac", StringComparison.Ordinal), "direct-emulated.yaml: the chip section's adc line was not found, or it gives bits");
        chip = chip[..end] + "\n    bits: 16" + chip[end..];
        var path = Path.Combine(Directory.CreateTempSubdirectory("aimc-twin-").FullName, "tc1.yaml");
        File.WriteAllText(path, "kind: emulator\ndescription: the chip of direct-emulated.yaml, in process\nseed: 1\n" + chip);
        return path;
    }
}
