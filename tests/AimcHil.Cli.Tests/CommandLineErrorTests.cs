using AimcHil.Training.Runs;

namespace AimcHil.Cli.Tests;

/// <summary>A mistyped command line is a user's mistake like any other: one <c>aimc: error:</c> line, exit 2, no
/// .NET type names, and numeric options refused outside the range their help states.</summary>
public sealed class CommandLineErrorTests
{
    [Theory]
    [InlineData(new[] { "mvm", "--rig", "hil-rigs/fmnist-hil-1.yaml", "--bogus" }, "Unrecognized command or argument '--bogus' (see 'aimc mvm --help')")]
    [InlineData(new[] { "mvm" }, "Option '--rig' is required (see 'aimc mvm --help')")]
    [InlineData(new string[0], "Required command was not provided (see 'aimc --help')")]
    [InlineData(new[] { "mvm", "--rig", "hil-rigs/fmnist-hil-1.yaml", "--random-inputs", "abc" }, "--random-inputs abc: not a whole number (see 'aimc mvm --help')")]
    [InlineData(new[] { "mvm", "--rig", "hil-rigs/fmnist-hil-1.yaml", "--random-inputs", "2000000000" }, "--random-inputs 2000000000: must be between 1 … 1048576 (see 'aimc mvm --help')")]
    [InlineData(new[] { "mvm", "--rig", "hil-rigs/fmnist-hil-1.yaml", "--tile", "-1" }, "--tile -1: must be between 0 … 2147483647 (see 'aimc mvm --help')")]
    [InlineData(new[] { "probe", "--port", "127.0.0.1:9", "--timeout-ms", "715827883" }, "--timeout-ms 715827883: must be between 1 … 60000 (see 'aimc probe --help')")]
    [InlineData(new[] { "probe", "--port", "127.0.0.1:9", "--baud", "0" }, "--baud 0: must be between 50 … 100000000 (see 'aimc probe --help')")]
    [InlineData(new[] { "train", "--model", "vgg", "--data", "synthetic" }, "--model vgg is not known: use mlp or lenet")]
    [InlineData(new[] { "plot", "runs/none", "--format", "bogus" }, "--format bogus is not an image format: use png, svg or both (see 'aimc plot --help')")]
    [InlineData(new[] { "train", "--model", "lenet", "--layers", "784,10" }, "--layers sizes the MLP; --model lenet has its own layers (README lists them): leave out --layers")]
    public void IsOneLineAndExitTwo(string[] args, string message)
    {
        AimcProcess.AssertUserError(AimcProcess.Run(args), message);
    }

    [Fact]
    public void TheHelpStatesTheRangeTheParserChecks()
    {
        var help = AimcProcess.Run("mvm", "--help");

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("number of uniform random input vectors (default 64) (1 … 1048576)", help.Stdout, StringComparison.Ordinal);
    }

    public static TheoryData<string, string[]> TrainChoices() => new()
    {
        { "--mode", TrainingChoices.Modes.ToArray() },
        { "--optimizer", TrainingChoices.Optimizers.ToArray() },
        { "--model", TrainingChoices.Models.ToArray() },
        { "--backward-model", TrainingChoices.BackwardModels.ToArray() },
    };

    [Theory]
    [MemberData(nameof(TrainChoices))]
    public void TrainsHelpNamesEveryValueItsParserAccepts(string option, string[] values)
    {
        var help = AimcProcess.Run("train", "--help");

        Assert.Equal(0, help.ExitCode);
        var line = help.Stdout.Split('\n').Single(l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
        Assert.Contains(string.Join(" | ", values), line, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryListedTrainingChoiceIsAccepted()
    {
        Assert.Equal(["software", "naive", "noise", "physical", "hil", "progressive"], TrainingChoices.Modes);
        foreach (var mode in TrainingChoices.Modes)
        {
            Assert.Equal(mode, AimcHil.Core.SnakeCase.Of(TrainingChoices.Mode(mode)));
        }

        foreach (var optimizer in TrainingChoices.Optimizers)
        {
            Assert.NotNull(TrainingChoices.Optimizer(optimizer, 1e-3f));
        }

        foreach (var backward in TrainingChoices.BackwardModels)
        {
            TrainingChoices.CheckBackwardModel(backward);
        }

        Assert.Equal("--backward-model exact is not known: use ideal, physical or calibrated", Assert.Throws<AimcHil.Core.AimcException>(() => TrainingChoices.CheckBackwardModel("exact")).Message);
        Assert.Equal("optimizer 'rmsprop' is not known: use adam or sgd", Assert.Throws<AimcHil.Core.AimcException>(() => TrainingChoices.Optimizer("rmsprop", 1e-3f)).Message);
    }
}
