using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Interchange;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Tests.Interchange;

/// <summary>Loading and saving a model's parameters as PyTorch state_dicts: round trips bit for bit, all-or-nothing
/// loads, and the one line that says why a file does not fit.</summary>
public sealed class StateDictTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("aimc-state-dict-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Theory]
    [InlineData(".safetensors")]
    [InlineData(".npz")]
    public void AnMlpRoundTripsBitForBit(string extension)
    {
        var path = PathOf("model" + extension);
        var saved = Mlp.Create([5, 7, 3], new SeededRandom(1));
        saved.Parameters[0].Value[0] = -0f;
        saved.Parameters[0].Value[1] = float.Epsilon;
        saved.Parameters[2].Value[0] = float.MaxValue;
        saved.Parameters[3].Value[0] = float.NegativeInfinity;
        var loaded = Mlp.Create([5, 7, 3], new SeededRandom(2));

        StateDict.Save(path, saved.Parameters, "aimc test");
        StateDict.Load(path, loaded.Parameters);

        AssertSameBits(saved.Parameters, loaded.Parameters);
    }

    [Theory]
    [InlineData(".safetensors")]
    [InlineData(".npz")]
    public void ConvolutionShapesRoundTrip(string extension)
    {
        // LeNet's names and shapes: loading is generic over any list of parameters.
        var path = PathOf("lenet" + extension);
        var saved = LeNetParameters();
        var random = new Random(3);
        foreach (var parameter in saved)
        {
            for (var i = 0; i < parameter.Length; i++)
            {
                parameter.Value[i] = (float)random.NextDouble() - 0.5f;
            }
        }

        var loaded = LeNetParameters();
        StateDict.Save(path, saved, "aimc test");
        StateDict.Load(path, loaded);

        AssertSameBits(saved, loaded);
        Assert.Equal(
            ["0.weight [8, 1, 5, 5]", "0.bias [8]", "3.weight [16, 8, 5, 5]", "3.bias [16]", "7.weight [10, 256]", "7.bias [10]"],
            StateDict.Read(path).Tensors.Select(t => $"{t.Name} {t.ShapeText}"));
    }

    [Fact]
    public void ASavedSafetensorsFileSaysItHoldsPyTorchTensors()
    {
        var path = PathOf("model.safetensors");

        StateDict.Save(path, Mlp.Create([2, 2], new SeededRandom(1)).Parameters, "aimc 9.9");

        Assert.Equal(new Dictionary<string, string> { ["format"] = "pt", ["producer"] = "aimc 9.9" }, StateDict.Read(path).Metadata);
    }

    [Fact]
    public void SavingReplacesTheFileAndLeavesNoTemporaries()
    {
        var path = PathOf("model.safetensors");
        StateDict.Save(path, Mlp.Create([2, 3], new SeededRandom(1)).Parameters, "aimc test");
        var second = Mlp.Create([2, 3], new SeededRandom(2));

        StateDict.Save(path, second.Parameters, "aimc test");

        var loaded = Mlp.Create([2, 3], new SeededRandom(3));
        StateDict.Load(path, loaded.Parameters);
        AssertSameBits(second.Parameters, loaded.Parameters);
        Assert.Equal(["model.safetensors"], _directory.GetFiles().Select(f => f.Name));
    }

    [Fact]
    public void AModelBinLoadsThroughModelState()
    {
        var path = PathOf("model.bin");
        var saved = Mlp.Create([4, 3, 2], new SeededRandom(1));
        ModelState.Save(path, saved.Parameters);
        var loaded = Mlp.Create([4, 3, 2], new SeededRandom(2));

        StateDict.Load(path, loaded.Parameters);

        AssertSameBits(saved.Parameters, loaded.Parameters);
        Assert.Equal(StateDictFormat.ModelBin, StateDict.FormatOf(path));
    }

    [Fact]
    public void AModelBinUnderAnotherNameIsKnownByItsMagic()
    {
        var path = PathOf("epoch-3.ckpt");
        ModelState.Save(path, Mlp.Create([2, 2], new SeededRandom(1)).Parameters);

        Assert.Equal(StateDictFormat.ModelBin, StateDict.FormatOf(path));
    }

    [Theory]
    [InlineData(".safetensors")]
    [InlineData(".npz")]
    public void WrongShapesAreListedAndNothingIsLoaded(string extension)
    {
        var path = PathOf("model" + extension);
        StateDict.Save(path, Mlp.Create([4, 3, 2], new SeededRandom(1)).Parameters, "aimc test");
        var model = Mlp.Create([4, 5, 2], new SeededRandom(2));
        var before = model.Parameters.Select(p => (float[])p.Value.Clone()).ToList();

        var error = Assert.Throws<AimcException>(() => StateDict.Load(path, model.Parameters));

        Assert.Equal(
            $"{path}: expected 0.weight [5, 4], 0.bias [5], 2.weight [2, 5], 2.bias [2]; the file has 0.weight [3, 4], 0.bias [3], 2.weight [2, 3], 2.bias [2]; "
            + "wrong shape: 0.weight is [3, 4] (the model's [5, 4]), 0.bias is [3] (the model's [5]), 2.weight is [2, 3] (the model's [2, 5]); nothing was loaded",
            error.Message);
        Assert.Equal(before, model.Parameters.Select(p => p.Value));
    }

    [Fact]
    public void MissingNamesAreListed()
    {
        var path = PathOf("half.safetensors");
        StateDict.Save(path, Mlp.Create([4, 3, 2], new SeededRandom(1)).Parameters.Take(2).ToList(), "aimc test");

        var error = Assert.Throws<AimcException>(() => StateDict.Load(path, Mlp.Create([4, 3, 2], new SeededRandom(1)).Parameters));

        Assert.Equal(
            $"{path}: expected 0.weight [3, 4], 0.bias [3], 2.weight [2, 3], 2.bias [2]; the file has 0.weight [3, 4], 0.bias [3]; missing 2.weight, 2.bias; nothing was loaded",
            error.Message);
    }

    [Fact]
    public void BuffersAreRefusedAndSaidToBeSo()
    {
        // A state_dict of Linear, BatchNorm1d, Linear: the running statistics are buffers, not parameters of our MLP.
        var path = PathOf("batchnorm.safetensors");
        var mlp = Mlp.Create([4, 3, 2], new SeededRandom(1)).Parameters;
        StateDict.Save(path, [mlp[0], mlp[1], new Parameter("1.running_mean", 3), new Parameter("1.running_var", 3), mlp[2], mlp[3]], "aimc test");
        var model = Mlp.Create([4, 3, 2], new SeededRandom(2));
        var before = model.Parameters.Select(p => (float[])p.Value.Clone()).ToList();

        var error = Assert.Throws<AimcException>(() => StateDict.Load(path, model.Parameters));

        Assert.Equal(
            $"{path}: expected 0.weight [3, 4], 0.bias [3], 2.weight [2, 3], 2.bias [2]; the file has 0.weight [3, 4], 0.bias [3], 1.running_mean [3], 1.running_var [3], 2.weight [2, 3], 2.bias [2]; "
            + "not parameters of the model: 1.running_mean, 1.running_var (refused, not skipped: the running statistics of a BatchNorm layer, which this model does not have, would be lost unseen); nothing was loaded",
            error.Message);
        Assert.Equal(before, model.Parameters.Select(p => p.Value));
    }

    [Fact]
    public void EveryKindOfMismatchIsInTheOneLine()
    {
        // 0.weight of the wrong shape, 0.bias stored as integers, 2.bias missing, an int64 counter the model lacks.
        var stored = new StoredStateDict(
            "mixed.safetensors",
            [
                new StoredTensor("0.weight", [3, 5], "F32", new float[15]),
                new StoredTensor("0.bias", [3], "I64", null),
                new StoredTensor("2.weight", [2, 3], "F32", new float[6]),
                new StoredTensor("1.num_batches_tracked", [], "I64", null),
            ],
            new Dictionary<string, string>());

        var error = Assert.Throws<AimcException>(() => StateDict.Assign(stored, Mlp.Create([4, 3, 2], new SeededRandom(1)).Parameters));

        Assert.Equal(
            "mixed.safetensors: expected 0.weight [3, 4], 0.bias [3], 2.weight [2, 3], 2.bias [2]; the file has 0.weight [3, 5], 0.bias [3], 2.weight [2, 3], 1.num_batches_tracked []; "
            + "missing 2.bias; wrong shape: 0.weight is [3, 5] (the model's [3, 4]); not floating-point: 0.bias (I64); "
            + "not parameters of the model: 1.num_batches_tracked (refused, not skipped: the running statistics of a BatchNorm layer, which this model does not have, would be lost unseen); nothing was loaded",
            error.Message);
    }

    [Theory]
    [InlineData("fc1", "refused, not skipped: a state_dict must hold exactly the model's parameters")]
    [InlineData("arr_", "np.savez was given arrays without their names: save with np.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()})")]
    public void OtherUnknownNamesAreRefusedWithWhatToDo(string prefix, string why)
    {
        // fc1.weight: a model of named attributes (self.fc1 = nn.Linear); arr_0: np.savez(path, *arrays).
        var (weight, bias) = prefix == "arr_" ? ("arr_0", "arr_1") : ("fc1.weight", "fc1.bias");
        var stored = new StoredStateDict("other.npz", [new StoredTensor(weight, [3, 4], "<f4", new float[12]), new StoredTensor(bias, [3], "<f4", new float[3])], new Dictionary<string, string>());

        var error = Assert.Throws<AimcException>(() => StateDict.Assign(stored, Mlp.Create([4, 3], new SeededRandom(1)).Parameters));

        Assert.Equal(
            $"other.npz: expected 0.weight [3, 4], 0.bias [3]; the file has {weight} [3, 4], {bias} [3]; missing 0.weight, 0.bias; not parameters of the model: {weight}, {bias} ({why}); nothing was loaded",
            error.Message);
    }

    [Fact]
    public void TensorFlowsTransposedKernelsAreRefusedEvenWhenSquare()
    {
        var model = Mlp.Create([3, 3], new SeededRandom(1)).Parameters;
        var stored = new StoredStateDict("keras.safetensors", [new StoredTensor("0.weight", [3, 3], "F32", new float[9]), new StoredTensor("0.bias", [3], "F32", new float[3])], new Dictionary<string, string> { ["format"] = "tf" });

        var error = Assert.Throws<AimcException>(() => StateDict.Assign(stored, model));

        Assert.Equal($"keras.safetensors: saved from TensorFlow (safetensors format 'tf'), whose dense kernels are [in, out] where PyTorch's Linear weights are [out, in]; {StateDict.HowToSave}", error.Message);
    }

    [Fact]
    public void LongListsAreShortenedWithACount()
    {
        var model = Mlp.Create([2, 2, 2, 2, 2, 2], new SeededRandom(1)).Parameters;
        var stored = new StoredStateDict("deep.npz", [], new Dictionary<string, string>());

        var error = Assert.Throws<AimcException>(() => StateDict.Assign(stored, model));

        Assert.Equal(
            "deep.npz: expected 0.weight [2, 2], 0.bias [2], 2.weight [2, 2], 2.bias [2], 4.weight [2, 2], 4.bias [2], … (4 more); the file has no tensors; "
            + "missing 0.weight, 0.bias, 2.weight, 2.bias, 4.weight, 4.bias, … (4 more); nothing was loaded",
            error.Message);
    }

    [Theory]
    [InlineData("model.pt", new byte[] { (byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0 })]
    [InlineData("pytorch_model.bin", new byte[] { 0x80, 0x02, 0x8A, 0x0A })]
    public void APyTorchPickleIsNamedAndRefused(string name, byte[] start)
    {
        var path = PathOf(name);
        File.WriteAllBytes(path, start);

        var error = Assert.Throws<AimcException>(() => StateDict.Load(path, Mlp.Create([2, 2], new SeededRandom(1)).Parameters));

        Assert.Equal($"{path}: a PyTorch pickle (torch.save), which AimcHil does not read (unpickling can run code): {StateDict.HowToSave}", error.Message);
    }

    [Fact]
    public void AFileOfNoKnownFormatIsRefused()
    {
        var path = PathOf("weights.h5");
        File.WriteAllText(path, "HDF5 or anything else");

        var error = Assert.Throws<AimcException>(() => StateDict.FormatOf(path));

        Assert.Equal($"{path}: not a file AimcHil reads weights from: give a .safetensors or .npz state_dict or a run's model.bin ({StateDict.HowToSave})", error.Message);
    }

    [Fact]
    public void ADamagedModelBinKeepsModelStatesMessage()
    {
        var path = PathOf("model.bin");
        File.WriteAllText(path, "garbage");

        var error = Assert.Throws<AimcException>(() => StateDict.Load(path, Mlp.Create([2, 2], new SeededRandom(1)).Parameters));

        Assert.Equal($"{path}: not an AimcHil model checkpoint", error.Message);
    }

    [Fact]
    public void MissingFilesAndDirectoriesAreOneLine()
    {
        var model = Mlp.Create([2, 2], new SeededRandom(1)).Parameters;
        var missing = PathOf("absent.safetensors");

        Assert.Equal($"{missing}: no such file", Assert.Throws<AimcException>(() => StateDict.Load(missing, model)).Message);
        Assert.Equal($"{PathOf("absent.bin")}: no such file", Assert.Throws<AimcException>(() => StateDict.Load(PathOf("absent.bin"), model)).Message);
        Assert.Equal($"{_directory.FullName}: a directory, not a weights file", Assert.Throws<AimcException>(() => StateDict.Load(_directory.FullName, model)).Message);
        var folder = Directory.CreateDirectory(PathOf("run.npz")).FullName;
        Assert.Equal($"{folder}: a directory, not a weights file", Assert.Throws<AimcException>(() => StateDict.Load(folder, model)).Message);
    }

    [Fact]
    public void SavingNeedsAStateDictExtension()
    {
        var path = PathOf("model.pt");

        var error = Assert.Throws<AimcException>(() => StateDict.Save(path, Mlp.Create([2, 2], new SeededRandom(1)).Parameters, "aimc test"));

        Assert.Equal($"{path}: a state_dict is written as .safetensors or .npz; name the file with one of these extensions", error.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void AModelBinIsNotReadAsAStateDict()
    {
        var path = PathOf("model.bin");
        ModelState.Save(path, Mlp.Create([2, 2], new SeededRandom(1)).Parameters);

        var error = Assert.Throws<AimcException>(() => StateDict.Read(path));

        Assert.Equal($"{path}: an AimcHil model.bin, not a PyTorch state_dict; export it with aimc export RUN --safetensors", error.Message);
    }

    private static List<Parameter> LeNetParameters() =>
    [
        new("0.weight", 8, 1, 5, 5), new("0.bias", 8), new("3.weight", 16, 8, 5, 5), new("3.bias", 16), new("7.weight", 10, 256), new("7.bias", 10),
    ];

    private static void AssertSameBits(IReadOnlyList<Parameter> expected, IReadOnlyList<Parameter> actual)
    {
        Assert.Equal(expected.Select(p => p.Name), actual.Select(p => p.Name));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Value.Select(BitConverter.SingleToInt32Bits), actual[i].Value.Select(BitConverter.SingleToInt32Bits));
        }
    }

    private string PathOf(string name) => Path.Combine(_directory.FullName, name);
}
