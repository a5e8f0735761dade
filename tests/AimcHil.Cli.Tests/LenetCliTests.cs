namespace AimcHil.Cli.Tests;

/// <summary><c>aimc train --model lenet</c> end to end on synthetic 28×28 data: trained, summarized with its cost on a
/// chip, exported with PyTorch's names, and started again from its own export.</summary>
public sealed class LenetCliTests
{
    [Fact]
    public void LenetTrainsReportsItsMvmsAndExportsWithPyTorchsNames()
    {
        var root = Directory.CreateTempSubdirectory("aimc-lenet-").FullName;
        try
        {
            var run = Path.Combine(root, "run");
            var train = AimcProcess.Run("train", "--model", "lenet", "--mode", "software", "--data", "synthetic", "--epochs", "1", "--train-limit", "256", "--test-limit", "64", "--out", run, "--json");
            Assert.True(train.ExitCode == 0, train.Stderr);
            Assert.Equal("lenet", train.Json.GetProperty("model").GetString());

            // Software runs map onto one unbounded tile per layer: 24·24 + 8·8 + 1 positions.
            Assert.Equal(641, train.Json.GetProperty("mvms_per_sample").GetInt32());

            var export = AimcProcess.Run("export", run, "--safetensors", "--json");
            Assert.True(export.ExitCode == 0, export.Stderr);
            Assert.Equal(
                ["0.weight [8, 1, 5, 5]", "0.bias [8]", "3.weight [16, 8, 5, 5]", "3.bias [16]", "7.weight [10, 256]", "7.bias [10]"],
                export.Json.GetProperty("parameters").EnumerateArray().Select(p => $"{p.GetProperty("name").GetString()} [{string.Join(", ", p.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()))}]"));

            var again = AimcProcess.Run("train", "--model", "lenet", "--mode", "software", "--data", "synthetic", "--epochs", "0", "--test-limit", "64", "--init", Path.Combine(run, "model.safetensors"), "--out", Path.Combine(root, "again"), "--json");
            Assert.True(again.ExitCode == 0, again.Stderr);
            Assert.Equal(train.Json.GetProperty("software_test_accuracy").GetDouble(), again.Json.GetProperty("init_software_test_accuracy").GetDouble());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void AnMlpStateDictDoesNotLoadIntoLenet()
    {
        var root = Directory.CreateTempSubdirectory("aimc-lenet-").FullName;
        try
        {
            var mlp = Path.Combine(root, "mlp");
            Assert.Equal(0, AimcProcess.Run("train", "--mode", "software", "--data", "synthetic", "--epochs", "0", "--test-limit", "8", "--out", mlp).ExitCode);
            Assert.Equal(0, AimcProcess.Run("export", mlp, "--npz").ExitCode);
            var file = Path.Combine(mlp, "model.npz");

            var outcome = AimcProcess.Run("train", "--model", "lenet", "--data", "synthetic", "--epochs", "0", "--init", file, "--out", Path.Combine(root, "lenet"));

            AimcProcess.AssertUserError(outcome, $"{file}: expected 0.weight [8, 1, 5, 5], 0.bias [8], 3.weight [16, 8, 5, 5], 3.bias [16], 7.weight [10, 256], 7.bias [10]; the file has 0.weight [256, 784], 0.bias [256], 2.weight [10, 256], 2.bias [10]; missing 3.weight, 3.bias, 7.weight, 7.bias; wrong shape: 0.weight is [256, 784] (the model's [8, 1, 5, 5]), 0.bias is [256] (the model's [8]); not parameters of the model: 2.weight, 2.bias (refused, not skipped: a state_dict must hold exactly the model's parameters); nothing was loaded");
            Assert.False(Directory.Exists(Path.Combine(root, "lenet")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
