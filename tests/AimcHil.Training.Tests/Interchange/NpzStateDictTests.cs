using System.IO.Compression;
using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Interchange;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Tests.Interchange;

/// <summary>The .npz state_dict reader and writer: np.savez's layout (one NAME.npy per tensor), and damage refused in one line.</summary>
public sealed class NpzStateDictTests
{
    private const string Source = "model.npz";

    [Fact]
    public void EachParameterIsOneNpyMemberInPyTorchsShape()
    {
        var model = Mlp.Create([3, 2], new SeededRandom(1));

        using var archive = new ZipArchive(new MemoryStream(NpzStateDict.Encode(model.Parameters)), ZipArchiveMode.Read);

        Assert.Equal(["0.weight.npy", "0.bias.npy"], archive.Entries.Select(e => e.FullName));
        using var weight = new MemoryStream();
        using (var member = archive.Entries[0].Open())
        {
            member.CopyTo(weight);
        }

        weight.Position = 0;
        var array = Npy.Read(weight);
        Assert.Equal("<f4", array.Dtype);
        Assert.Equal([2, 3], array.Shape);
        Assert.Equal(model.Parameters[0].Value, array.ToSingle());
    }

    [Fact]
    public void TheSameWeightsGiveTheSameBytes()
    {
        var model = Mlp.Create([3, 4, 2], new SeededRandom(1));

        Assert.Equal(NpzStateDict.Encode(model.Parameters), NpzStateDict.Encode(model.Parameters));
    }

    [Fact]
    public void IntegerArraysAreListedWithoutValues()
    {
        var file = NpzStateDict.Decode(Archive(("1.num_batches_tracked.npy", NpyBytes(s => Npy.Write(s, new[] { 7 }, 1)))), Source);

        var tensor = Assert.Single(file.Tensors);
        Assert.Equal(("1.num_batches_tracked", "<i4", "[1]"), (tensor.Name, tensor.Dtype, tensor.ShapeText));
        Assert.Null(tensor.Values);
    }

    [Fact]
    public void NotAZipIsOneLine()
    {
        var error = Assert.Throws<AimcException>(() => NpzStateDict.Decode("not a zip archive"u8.ToArray(), Source));

        Assert.StartsWith($"{Source}: not a readable .npz (a zip archive of .npy files): ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMemberThatIsNotAnArrayIsOneLine()
    {
        var error = Assert.Throws<AimcException>(() => NpzStateDict.Decode(Archive(("notes.txt", "hello"u8.ToArray())), Source));

        Assert.Equal($"{Source}: member 'notes.txt' is not a .npy array (np.savez writes one NAME.npy per tensor)", error.Message);
    }

    [Fact]
    public void ADamagedArrayIsNamedWithItsMember()
    {
        var npy = NpyBytes(s => Npy.Write(s, new float[6], 2, 3));

        var error = Assert.Throws<AimcException>(() => NpzStateDict.Decode(Archive(("0.weight.npy", npy[..^4])), Source));

        Assert.Equal($"{Source}: 0.weight.npy: truncated data: shape (2, 3) of '<f4' needs 24 bytes, found 20", error.Message);
    }

    [Fact]
    public void BytesAfterAnArrayAreRefused()
    {
        var npy = NpyBytes(s => Npy.Write(s, new float[2], 2));

        var error = Assert.Throws<AimcException>(() => NpzStateDict.Decode(Archive(("0.bias.npy", [.. npy, 0, 0])), Source));

        Assert.Equal($"{Source}: 0.bias.npy: 2 bytes follow the array (np.save writes none): the archive is damaged", error.Message);
    }

    [Fact]
    public void EveryTruncationAndEveryFlippedByteIsRefusedInOneLineOrReadWhole() =>
        DamageSweep.AssertEveryCutAndFlip(NpzStateDict.Encode(Mlp.Create([3, 2], new SeededRandom(1)).Parameters), Source, file => NpzStateDict.Decode(file, Source));

    private static byte[] NpyBytes(Action<Stream> write)
    {
        using var stream = new MemoryStream();
        write(stream);
        return stream.ToArray();
    }

    private static byte[] Archive(params (string Name, byte[] Bytes)[] members)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in members)
            {
                using var stream = archive.CreateEntry(name).Open();
                stream.Write(bytes);
            }
        }

        return buffer.ToArray();
    }
}
