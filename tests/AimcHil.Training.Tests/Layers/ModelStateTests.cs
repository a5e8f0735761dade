using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Tests.Layers;

public sealed class ModelStateTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("aimc-model-state-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void SavedValuesLoadBitForBit()
    {
        var path = PathOf("model.ckpt");
        var saved = Mlp.Create([5, 7, 3], new SeededRandom(1));
        saved.Parameters[1].Value[2] = float.Epsilon;
        saved.Parameters[3].Value[0] = -0f;
        var loaded = Mlp.Create([5, 7, 3], new SeededRandom(2));

        ModelState.Save(path, saved.Parameters);
        ModelState.Load(path, loaded.Parameters);

        for (var i = 0; i < saved.Parameters.Count; i++)
        {
            Assert.Equal(
                saved.Parameters[i].Value.Select(BitConverter.SingleToInt32Bits),
                loaded.Parameters[i].Value.Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void SavingReplacesTheFileAndLeavesNoTemporaries()
    {
        var path = PathOf("model.ckpt");
        var first = Mlp.Create([2, 3], new SeededRandom(1));
        var second = Mlp.Create([2, 3], new SeededRandom(2));
        var loaded = Mlp.Create([2, 3], new SeededRandom(3));

        ModelState.Save(path, first.Parameters);
        ModelState.Save(path, second.Parameters);
        ModelState.Load(path, loaded.Parameters);

        Assert.Equal(second.Parameters[0].Value, loaded.Parameters[0].Value);
        Assert.Equal(["model.ckpt"], _directory.GetFiles().Select(f => f.Name));
    }

    [Fact]
    public void SavingCreatesTheDirectory()
    {
        var path = Path.Combine(_directory.FullName, "run", "epoch-1.ckpt");

        ModelState.Save(path, Mlp.Create([2, 3], new SeededRandom(1)).Parameters);

        Assert.True(File.Exists(path));
    }

    [Fact]
    public void AModelBinFromBeforePyTorchsNamesLoadsRenamedAndTransposed()
    {
        // Earlier runs saved the MLP as fc1.weight (inputs × outputs), fc1.bias, fc2.weight, fc2.bias.
        var path = PathOf("legacy.bin");
        var w1 = new Parameter("fc1.weight", 3, 2);
        float[] first = [1, 2, 3, 4, 5, 6];
        first.CopyTo(w1.Value, 0);
        var b1 = new Parameter("fc1.bias", 1, 2);
        b1.Value[1] = 7;
        var w2 = new Parameter("fc2.weight", 2, 1);
        w2.Value[0] = 8;
        w2.Value[1] = 9;
        var b2 = new Parameter("fc2.bias", 1, 1);
        ModelState.Save(path, [w1, b1, w2, b2]);
        var model = Mlp.Create([3, 2, 1], new SeededRandom(1));

        ModelState.Load(path, model.Parameters);

        // W[i, j] of input i to output j is now 0.weight[j, i].
        Assert.Equal([1f, 3f, 5f, 2f, 4f, 6f], model.Parameters[0].Value);
        Assert.Equal([0f, 7f], model.Parameters[1].Value);
        Assert.Equal([8f, 9f], model.Parameters[2].Value);
    }

    [Fact]
    public void MissingParameterIsNamed()
    {
        var path = PathOf("half.ckpt");
        var model = Mlp.Create([4, 3, 2], new SeededRandom(1));
        ModelState.Save(path, model.Parameters.Take(2));

        var error = Assert.Throws<AimcException>(() => ModelState.Load(path, model.Parameters));

        Assert.Equal($"{path}: the checkpoint has no parameter '2.weight' (2×3) that the model needs", error.Message);
    }

    [Fact]
    public void ShapeMismatchIsNamed()
    {
        var path = PathOf("model.ckpt");
        ModelState.Save(path, Mlp.Create([4, 3, 2], new SeededRandom(1)).Parameters);

        var error = Assert.Throws<AimcException>(() => ModelState.Load(path, Mlp.Create([4, 5, 2], new SeededRandom(1)).Parameters));

        Assert.Equal($"{path}: parameter '0.weight' is 3×4 in the checkpoint but 5×4 in the model", error.Message);
    }

    [Fact]
    public void ExtraParameterIsNamed()
    {
        var path = PathOf("model.ckpt");
        ModelState.Save(path, Mlp.Create([4, 3, 2], new SeededRandom(1)).Parameters);

        var error = Assert.Throws<AimcException>(() => ModelState.Load(path, Mlp.Create([4, 3], new SeededRandom(1)).Parameters));

        Assert.Equal($"{path}: the checkpoint holds parameter '2.weight' (2×3), which the model does not have", error.Message);
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        var path = PathOf("absent.ckpt");

        var error = Assert.Throws<AimcException>(() => ModelState.Load(path, Mlp.Create([2, 2], new SeededRandom(1)).Parameters));

        Assert.Equal($"{path}: no such checkpoint file", error.Message);
    }

    [Fact]
    public void ForeignFileIsRejected()
    {
        var path = PathOf("notes.txt");
        File.WriteAllText(path, "not a checkpoint at all");

        var error = Assert.Throws<AimcException>(() => ModelState.Load(path, Mlp.Create([2, 2], new SeededRandom(1)).Parameters));

        Assert.Equal($"{path}: not an AimcHil model checkpoint", error.Message);
    }

    [Fact]
    public void UnknownFormatVersionIsRejected()
    {
        var path = PathOf("future.ckpt");
        ModelState.Save(path, Mlp.Create([2, 2], new SeededRandom(1)).Parameters);
        var bytes = File.ReadAllBytes(path);
        bytes[8] = 9;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<AimcException>(() => ModelState.Load(path, Mlp.Create([2, 2], new SeededRandom(1)).Parameters));

        Assert.Equal($"{path}: checkpoint format version 9 is not supported; this build reads version 1", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(30)]
    public void TruncatedFileIsRejectedAndTheModelKeepsItsValues(int missingBytes)
    {
        var path = PathOf("cut.ckpt");
        ModelState.Save(path, Mlp.Create([3, 4, 2], new SeededRandom(1)).Parameters);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^missingBytes]);
        var model = Mlp.Create([3, 4, 2], new SeededRandom(2));
        var before = model.Parameters.Select(p => (float[])p.Value.Clone()).ToList();

        var error = Assert.Throws<AimcException>(() => ModelState.Load(path, model.Parameters));

        Assert.Equal($"{path}: the checkpoint is truncated or corrupt", error.Message);
        Assert.Equal(before, model.Parameters.Select(p => p.Value));
    }

    [Fact]
    public void MismatchLeavesTheModelUnchanged()
    {
        var path = PathOf("model.ckpt");
        ModelState.Save(path, Mlp.Create([4, 3, 2], new SeededRandom(1)).Parameters);
        var model = Mlp.Create([4, 3, 5], new SeededRandom(2));
        var before = model.Parameters.Select(p => (float[])p.Value.Clone()).ToList();

        Assert.Throws<AimcException>(() => ModelState.Load(path, model.Parameters));

        Assert.Equal(before, model.Parameters.Select(p => p.Value));
    }

    private string PathOf(string name) => Path.Combine(_directory.FullName, name);
}
