using System.Text.Json;
using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Interchange;
using AimcHil.Training.Layers;

namespace AimcHil.Cli.Tests;

/// <summary>A short software run of a 16-8-3 MLP on synthetic data, trained once for the tests that export it.</summary>
public sealed class ShortSoftwareRun : IDisposable
{
    public ShortSoftwareRun()
    {
        Root = Directory.CreateTempSubdirectory("aimc-export-run-").FullName;
        RunDirectory = Path.Combine(Root, "run");
        Train = AimcProcess.Run("train", "--mode", "software", "--data", "synthetic", "--layers", "16,8,3", "--epochs", "1", "--out", RunDirectory, "--json");
    }

    public string Root { get; }

    public string RunDirectory { get; }

    internal AimcProcess.Outcome Train { get; }

    /// <summary>The run's final weights as model.bin holds them, in the MLP with PyTorch's names and shapes.</summary>
    public IReadOnlyList<Parameter> FinalWeights()
    {
        var model = Mlp.Create([16, 8, 3], new SeededRandom(99));
        ModelState.Load(Path.Combine(RunDirectory, "model.bin"), model.Parameters);
        return model.Parameters;
    }

    /// <summary>A path in a new folder of its own under <see cref="Root"/>, which is deleted with the run.</summary>
    public string NewPath(string name) => Path.Combine(Directory.CreateDirectory(Path.Combine(Root, Path.GetRandomFileName())).FullName, name);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary><c>aimc export RUN --safetensors|--npz</c> and <c>aimc train --init</c> with PyTorch state_dicts, as a user
/// runs them: the JSON, the files (and PyTorch reading them), and the one line each mistake ends in.</summary>
public sealed class ExportRunCliTests(ShortSoftwareRun run) : IClassFixture<ShortSoftwareRun>
{
    [Fact]
    public void ARunWithDamagedSettingsSaysWhyItCannotBeExported()
    {
        Assert.True(run.Train.ExitCode == 0, run.Train.Stderr);
        var copy = run.NewPath("damaged");
        Directory.CreateDirectory(copy);
        File.Copy(Path.Combine(run.RunDirectory, "model.bin"), Path.Combine(copy, "model.bin"));
        var settings = Path.Combine(copy, "settings.json");
        File.WriteAllText(settings, "{\"options\": ");

        var outcome = AimcProcess.Run("export", copy, "--npz");

        AimcProcess.AssertUserError(outcome, $"{settings}: not a run's settings (empty, truncated or corrupt); the model's shapes are unknown without them, so its weights cannot be exported: restore the run directory from a copy");
    }

    [Theory]
    [InlineData("--safetensors", "model.safetensors", "safetensors")]
    [InlineData("--npz", "model.npz", "npz")]
    public void ExportWritesTheFinalWeightsBesideTheRun(string flag, string name, string format)
    {
        Assert.True(run.Train.ExitCode == 0, run.Train.Stderr);

        var outcome = AimcProcess.Run("export", run.RunDirectory, flag, "--json");

        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        var json = outcome.Json;
        var file = Path.Combine(run.RunDirectory, name);
        Assert.Equal(["run", "file", "format", "parameters"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(run.RunDirectory, json.GetProperty("run").GetString());
        Assert.Equal(file, json.GetProperty("file").GetString());
        Assert.Equal(format, json.GetProperty("format").GetString());
        Assert.Equal(
            ["0.weight [8, 16]", "0.bias [8]", "2.weight [3, 8]", "2.bias [3]"],
            json.GetProperty("parameters").EnumerateArray().Select(p => $"{p.GetProperty("name").GetString()} [{string.Join(", ", p.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()))}]"));
        var stored = StateDict.Read(file);
        Assert.Equal(run.FinalWeights().Select(p => p.Value), stored.Tensors.Select(t => t.Values!));
    }

    [Fact]
    public void TheSafetensorsFileNamesItsProducer()
    {
        var file = run.NewPath("named.safetensors");

        AimcProcess.Run("export", Path.Combine(run.RunDirectory, "model.bin"), "--safetensors", "--out", file);

        var metadata = StateDict.Read(file).Metadata;
        Assert.Equal("pt", metadata["format"]);
        Assert.Matches(@"^aimc \d+\.\d+", metadata["producer"]);
    }

    [Fact]
    public void AnOutFolderReceivesModelDotExtension()
    {
        var folder = Path.GetDirectoryName(run.NewPath("x"))!;

        var outcome = AimcProcess.Run("export", run.RunDirectory, "--npz", "--out", folder);

        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        Assert.StartsWith(Path.Combine(folder, "model.npz"), outcome.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "model.npz")));
    }

    [Fact]
    public void InitFromAnExportedFileStartsWhereTheRunEnded()
    {
        // The same weights on the same (seeded) test set: the new run's starting accuracy is the old run's final one.
        var file = run.NewPath("weights.safetensors");
        AimcProcess.Run("export", run.RunDirectory, "--safetensors", "--out", file);

        var second = AimcProcess.Run("train", "--data", "synthetic", "--layers", "16,8,3", "--epochs", "1", "--init", file, "--out", run.NewPath("second"), "--json");

        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal(run.Train.Json.GetProperty("software_test_accuracy").GetDouble(), second.Json.GetProperty("init_software_test_accuracy").GetDouble());
    }

    [Fact]
    public void InitOfTheWrongShapeIsOneLineAndLeavesNoRunDirectory()
    {
        var file = run.NewPath("weights.npz");
        AimcProcess.Run("export", run.RunDirectory, "--npz", "--out", file);
        var directory = run.NewPath("never");

        var outcome = AimcProcess.Run("train", "--data", "synthetic", "--layers", "16,4,3", "--init", file, "--out", directory);

        AimcProcess.AssertUserError(
            outcome,
            $"{file}: expected 0.weight [4, 16], 0.bias [4], 2.weight [3, 4], 2.bias [3]; the file has 0.weight [8, 16], 0.bias [8], 2.weight [3, 8], 2.bias [3]; "
            + "wrong shape: 0.weight is [8, 16] (the model's [4, 16]), 0.bias is [8] (the model's [4]), 2.weight is [3, 8] (the model's [3, 4]); nothing was loaded");
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void ADamagedInitFileIsOneLine()
    {
        var file = run.NewPath("cut.safetensors");
        AimcProcess.Run("export", run.RunDirectory, "--safetensors", "--out", file);
        File.WriteAllBytes(file, File.ReadAllBytes(file)[..^5]);

        var outcome = AimcProcess.Run("train", "--data", "synthetic", "--layers", "16,8,3", "--init", file, "--out", run.NewPath("never"));

        AimcProcess.AssertUserError(outcome, $"{file}: tensor '2.bias': data_offsets [640, 652] reach past the end of the data (647 bytes): the file is truncated");
    }

    [Fact]
    public void AMissingInitIsOneLine()
    {
        var missing = run.NewPath("absent.npz");

        AimcProcess.AssertUserError(
            AimcProcess.Run("train", "--data", "synthetic", "--layers", "16,8,3", "--init", missing, "--out", run.NewPath("never")),
            $"--init {missing}: no such file or directory; give a finished run's directory, its model.bin, or a PyTorch state_dict (.safetensors, .npz)");
    }

    [Theory]
    [InlineData(new string[0], "say which format: --csv or --npy for a dataset, --safetensors or --npz for a training run's weights")]
    [InlineData(new[] { "--safetensors", "--npz" }, "give one format, not --safetensors and --npz: --csv or --npy for a dataset, --safetensors or --npz for a training run's weights")]
    [InlineData(new[] { "--csv", "--npz" }, "give one format, not --csv and --npz: --csv or --npy for a dataset, --safetensors or --npz for a training run's weights")]
    public void ExportNeedsExactlyOneFormat(string[] flags, string message) =>
        AimcProcess.AssertUserError(AimcProcess.Run(["export", run.RunDirectory, .. flags]), message);

    [Fact]
    public void ExportMistakesAreOneLine()
    {
        var missing = run.NewPath("no-such-run");
        AimcProcess.AssertUserError(AimcProcess.Run("export", missing, "--npz"), $"{missing}: no such run directory or file; give a training run's directory or its model.bin");

        AimcProcess.AssertUserError(
            AimcProcess.Run("export", run.RunDirectory, "--csv"),
            $"{run.RunDirectory} is a directory: --csv exports a dataset (NAME.sqlite); a training run's weights export with --safetensors or --npz");

        var summary = Path.Combine(run.RunDirectory, "summary.json");
        AimcProcess.AssertUserError(
            AimcProcess.Run("export", summary, "--safetensors"),
            $"{summary}: not a training run's model.bin; give a training run's directory or its model.bin (a dataset exports with --csv or --npy)");

        var wrongName = run.NewPath("weights.safetensors");
        AimcProcess.AssertUserError(
            AimcProcess.Run("export", run.RunDirectory, "--npz", "--out", wrongName),
            $"--out {wrongName}: a --npz export is named *.npz; give a file name ending in .npz, or a folder");

        var lonely = run.NewPath("model.bin");
        File.Copy(Path.Combine(run.RunDirectory, "model.bin"), lonely);
        AimcProcess.AssertUserError(
            AimcProcess.Run("export", lonely, "--npz"),
            $"{lonely}: no run's settings.json beside it or above it, so the model's shapes are unknown; export it from its run directory");
    }

    [Fact]
    public void ACheckpointsWeightsNeedAnOutFile()
    {
        var checkpoint = Directory.GetFiles(Path.Combine(run.RunDirectory, "checkpoint"), "model.bin", SearchOption.AllDirectories).Single();

        AimcProcess.AssertUserError(
            AimcProcess.Run("export", checkpoint, "--safetensors"),
            $"{checkpoint}: a checkpoint's weights; say where to write them with --out FILE.safetensors");

        var file = run.NewPath("epoch-1.safetensors");
        var outcome = AimcProcess.Run("export", checkpoint, "--safetensors", "--out", file, "--json");
        Assert.True(outcome.ExitCode == 0, outcome.Stderr);
        Assert.Equal(run.RunDirectory, outcome.Json.GetProperty("run").GetString());
    }

    /// <summary>PyTorch loads both exported files with <c>load_state_dict(strict=True)</c> into
    /// nn.Sequential(Linear(16, 8), ReLU(), Linear(8, 3)) and computes our forward pass's logits. The safetensors file is
    /// read with struct and json, following the format, as the safetensors package may not be installed.</summary>
    [PyTorchFact]
    public void PyTorchLoadsTheExportedFilesAndComputesOurLogits()
    {
        var safetensors = run.NewPath("model.safetensors");
        var npz = run.NewPath("model.npz");
        AimcProcess.Run("export", run.RunDirectory, "--safetensors", "--out", safetensors);
        AimcProcess.Run("export", run.RunDirectory, "--npz", "--out", npz);
        var inputs = new float[32 * 16];
        var random = new Random(5);
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)((random.NextDouble() * 4) - 2);
        }

        var inputsPath = run.NewPath("inputs.npy");
        Npy.Write(inputsPath, inputs, 32, 16);
        var model = Mlp.Create([16, 8, 3], new SeededRandom(1));
        StateDict.Load(safetensors, model.Parameters);
        var ours = model.Forward(new Grid<float>(32, 16, inputs), training: false).Data;

        var output = PyTorch.Run(
            """
            import json, struct, sys
            import numpy as np, torch

            def load_safetensors(path):
                data = open(path, "rb").read()
                n = struct.unpack("<Q", data[:8])[0]
                header = json.loads(data[8:8 + n])
                header.pop("__metadata__")
                return {k: torch.from_numpy(np.frombuffer(data[8 + n + v["data_offsets"][0]:8 + n + v["data_offsets"][1]], dtype="<f4").reshape(v["shape"]).copy())
                        for k, v in header.items() if v["dtype"] == "F32"}

            x = torch.from_numpy(np.load(sys.argv[3]))
            for state in (load_safetensors(sys.argv[1]), {k: torch.from_numpy(v) for k, v in np.load(sys.argv[2]).items()}):
                model = torch.nn.Sequential(torch.nn.Linear(16, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
                model.load_state_dict(state, strict=True)
                with torch.no_grad():
                    print(json.dumps(model(x).flatten().tolist()))
            """,
            safetensors,
            npz,
            inputsPath);

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        foreach (var line in lines)
        {
            var torch = JsonSerializer.Deserialize<double[]>(line)!;
            Assert.Equal(ours.Length, torch.Length);
            for (var i = 0; i < ours.Length; i++)
            {
                Assert.True(Math.Abs(ours[i] - torch[i]) <= 1e-5, $"logit {i}: ours {ours[i]}, torch {torch[i]}");
            }
        }
    }
}
