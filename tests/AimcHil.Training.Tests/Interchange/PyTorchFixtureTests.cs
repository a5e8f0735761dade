using System.Text.Json;
using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Interchange;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Tests.Interchange;

/// <summary>Files PyTorch wrote (tools/scripts/make-pytorch-fixtures.py) load into our models, and our software forward
/// pass gives torch's logits and accuracy.</summary>
public sealed class PyTorchFixtureTests
{
    [Theory]
    [InlineData("mlp.safetensors")]
    [InlineData("mlp.npz")]
    public void TheTrainedMlpGivesTorchsLogitsAndAccuracy(string file)
    {
        var model = Mlp.Create([16, 8, 3], new SeededRandom(1));
        StateDict.Load(Fixture(file), model.Parameters);
        var inputs = Npy.Read(Fixture("mlp-inputs.npy"));
        var labels = Npy.Read(Fixture("mlp-labels.npy")).ToInt32();
        var expected = Npy.Read(Fixture("mlp-logits.npy")).ToSingle();
        using var summary = JsonDocument.Parse(File.ReadAllText(Fixture("mlp.json")));

        var logits = model.Forward(new Grid<float>(inputs.Shape[0], inputs.Shape[1], inputs.ToSingle()), training: false);

        Assert.Equal([64, 16], inputs.Shape);
        Assert.Equal((64, 3), (logits.Rows, logits.Cols));
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(logits.Data[i] - expected[i]) <= 1e-5, $"logit {i / 3},{i % 3}: {logits.Data[i]} against torch's {expected[i]}");
        }

        var correct = Enumerable.Range(0, logits.Rows).Count(r => ArgMax(logits.Row(r)) == labels[r]);
        Assert.Equal(summary.RootElement.GetProperty("correct").GetInt32(), correct);
        Assert.Equal(summary.RootElement.GetProperty("accuracy").GetDouble(), (double)correct / labels.Length);
    }

    [Theory]
    [InlineData("mlp-f16.safetensors")]
    [InlineData("mlp-f16.npz")]
    [InlineData("mlp-bf16.safetensors")]
    [InlineData("mlp-f64.safetensors")]
    public void OtherFloatTypesLoadAsTorchRoundedThem(string file)
    {
        var reference = SafeTensors.Read(Fixture("mlp.safetensors"));
        var model = Mlp.Create([16, 8, 3], new SeededRandom(1));

        StateDict.Load(Fixture(file), model.Parameters);

        Func<float, float> rounded = file.Contains("bf16", StringComparison.Ordinal) ? ToBfloat16
            : file.Contains("f16", StringComparison.Ordinal) ? v => (float)(Half)v
            : v => v;
        for (var p = 0; p < model.Parameters.Count; p++)
        {
            Assert.Equal(reference.Tensors[p].Values!.Select(rounded), model.Parameters[p].Value);
        }
    }

    [Fact]
    public void TheSafetensorsFileSaysItHoldsPyTorchTensors() =>
        Assert.Equal("pt", SafeTensors.Read(Fixture("mlp.safetensors")).Metadata["format"]);

    /// <summary>The conv model's parameters as PyTorch names and shapes them. Its logits (conv-logits.npy for
    /// conv-inputs.npy) are for the Conv2d and MaxPool2d layers to be checked against, once they exist.</summary>
    [Theory]
    [InlineData("conv.safetensors")]
    [InlineData("conv.npz")]
    public void TheConvModelsParametersLoadByNameAndShape(string file)
    {
        using var summary = JsonDocument.Parse(File.ReadAllText(Fixture("conv.json")));
        var expected = summary.RootElement.GetProperty("parameters").EnumerateArray()
            .Select(p => $"{p.GetProperty("name").GetString()} [{string.Join(", ", p.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()))}]");
        List<Parameter> parameters = [new("0.weight", 2, 1, 3, 3), new("0.bias", 2), new("4.weight", 3, 18), new("4.bias", 3)];

        var stored = StateDict.Read(Fixture(file));
        StateDict.Load(Fixture(file), parameters);

        Assert.Equal(expected, stored.Tensors.Select(t => $"{t.Name} {t.ShapeText}"));
        Assert.Equal(["0.weight [2, 1, 3, 3]", "0.bias [2]", "4.weight [3, 18]", "4.bias [3]"], expected);
        Assert.Equal(stored.Tensors.Select(t => t.Values!), parameters.Select(p => p.Value));
        Assert.Equal([16, 1, 8, 8], Npy.Read(Fixture("conv-inputs.npy")).Shape);
        Assert.Equal([16, 3], Npy.Read(Fixture("conv-logits.npy")).Shape);
    }

    /// <summary>Conv2d, ReLU, MaxPool2d, Flatten and Linear together compute what PyTorch computed for the same weights.</summary>
    [Theory]
    [InlineData("conv.safetensors")]
    [InlineData("conv.npz")]
    public void TheConvModelGivesTorchsLogits(string file)
    {
        var random = new SeededRandom(1);
        var model = new Sequential(
            new Conv2d("0", 1, 2, 3, random.Fork("conv")),
            new Relu(),
            new MaxPool2d(2),
            new Flatten(),
            new Linear("4", 18, 3, random.Fork("fc")));
        Assert.Equal(ImageShape.Flat(3), model.Bind(new ImageShape(1, 8, 8)));
        StateDict.Load(Fixture(file), model.Parameters);
        var inputs = Npy.Read(Fixture("conv-inputs.npy"));
        var expected = Npy.Read(Fixture("conv-logits.npy")).ToSingle();

        var logits = model.Forward(new Grid<float>(16, 64, inputs.ToSingle()), training: false);

        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(logits.Data[i] - expected[i]) <= 1e-5, $"logit {i / 3},{i % 3}: {logits.Data[i]} against torch's {expected[i]}");
        }
    }

    [Fact]
    public void TheMlpDoesNotLoadIntoALargerModel()
    {
        var path = Fixture("mlp.safetensors");

        var error = Assert.Throws<AimcException>(() => StateDict.Load(path, Mlp.Create([16, 32, 3], new SeededRandom(1)).Parameters));

        Assert.Equal(
            $"{path}: expected 0.weight [32, 16], 0.bias [32], 2.weight [3, 32], 2.bias [3]; the file has 0.weight [8, 16], 0.bias [8], 2.weight [3, 8], 2.bias [3]; "
            + "wrong shape: 0.weight is [8, 16] (the model's [32, 16]), 0.bias is [8] (the model's [32]), 2.weight is [3, 8] (the model's [3, 32]); nothing was loaded",
            error.Message);
    }

    private static float ToBfloat16(float value)
    {
        // Round to nearest, ties to even, as torch's Tensor.bfloat16() does for finite values.
        var bits = BitConverter.SingleToUInt32Bits(value);
        var rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000;
        return BitConverter.UInt32BitsToSingle(rounded);
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var k = 1; k < row.Length; k++)
        {
            if (row[k] > row[best])
            {
                best = k;
            }
        }

        return best;
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "pytorch", name);
}
