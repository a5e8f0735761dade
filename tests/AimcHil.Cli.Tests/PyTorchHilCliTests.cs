using AimcHil.Training.Interchange;

namespace AimcHil.Cli.Tests;

/// <summary>A network trained in PyTorch is fine-tuned with the chip in the loop: its state_dict goes in through
/// <c>--init</c>, the run measures its start in software, and the result comes out through <c>aimc export</c>.</summary>
public sealed class PyTorchHilCliTests
{
    [Fact]
    public void APyTorchMlpIsFineTunedWithTheChipInTheLoopAndExportedAgain()
    {
        // The 16-8-3 MLP that tools/scripts/make-pytorch-fixtures.py trained and saved with PyTorch.
        var state = Path.Combine(RepositoryPaths.Root, "tests", "AimcHil.Training.Tests", "Fixtures", "pytorch", "mlp.safetensors");
        var root = Directory.CreateTempSubdirectory("aimc-pytorch-hil-").FullName;
        try
        {
            var run = Path.Combine(root, "hil");

            var hil = AimcProcess.Run(
                "train", "--mode", "hil", "--layers", "16,8,3", "--data", "synthetic", "--epochs", "1", "--train-limit", "512", "--test-limit", "128",
                "--lr", "1e-4", "--reprogram", "delta:0.005", "--init", state, "--rig", "hil-rigs/fmnist-hil-1.yaml", "--out", run, "--json");

            Assert.True(hil.ExitCode == 0, hil.Stderr);
            Assert.Equal("hil", hil.Json.GetProperty("mode").GetString());
            Assert.True(hil.Json.GetProperty("init_software_test_accuracy").GetDouble() > 0);
            Assert.True(hil.Json.GetProperty("programming_pulses").GetInt64() > 0);
            Assert.Equal(2, hil.Json.GetProperty("mvms_per_sample").GetInt32());

            var export = AimcProcess.Run("export", run, "--safetensors", "--json");
            Assert.True(export.ExitCode == 0, export.Stderr);
            var before = StateDict.Read(state).Tensors;
            var after = StateDict.Read(Path.Combine(run, "model.safetensors")).Tensors;
            Assert.Equal(before.Select(t => (t.Name, t.ShapeText)), after.Select(t => (t.Name, t.ShapeText)));
            Assert.NotEqual(before[0].Values, after[0].Values);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
