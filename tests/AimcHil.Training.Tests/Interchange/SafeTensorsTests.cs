using System.Text;
using AimcHil.Core;
using AimcHil.Training.Interchange;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Tests.Interchange;

/// <summary>The .safetensors reader and writer against a file written out by hand, byte by byte, and against every
/// kind of damage the format's specification rules out.</summary>
public sealed class SafeTensorsTests
{
    private const string Source = "tiny.safetensors";

    // 161 bytes of JSON and 7 spaces: 168 = 0xA8, a multiple of 8 as the reference writer pads it.
    private const string GoldenHeader =
        """{"__metadata__":{"format":"pt","producer":"test"},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}       """;

    private static readonly byte[] GoldenLength = [0xA8, 0, 0, 0, 0, 0, 0, 0];

    // w = [[1, -2], [0.5, 3]], b = [0.25, -1] as little-endian float32.
    private static readonly byte[] GoldenData =
    [
        0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x3F, 0x00, 0x00, 0x40, 0x40,
        0x00, 0x00, 0x80, 0x3E, 0x00, 0x00, 0x80, 0xBF,
    ];

    private static readonly Dictionary<string, string> GoldenMetadata = new() { ["format"] = "pt", ["producer"] = "test" };

    private static byte[] Golden => [.. GoldenLength, .. Encoding.ASCII.GetBytes(GoldenHeader), .. GoldenData];

    [Fact]
    public void WritesTheHandWrittenFileByteForByte()
    {
        Assert.Equal(168, GoldenHeader.Length);
        var w = new Parameter("w", 2, 2);
        var b = new Parameter("b", 2);
        float[] wValues = [1, -2, 0.5f, 3];
        wValues.CopyTo(w.Value, 0);
        float[] bValues = [0.25f, -1];
        bValues.CopyTo(b.Value, 0);

        Assert.Equal(Golden, SafeTensors.Encode([w, b], GoldenMetadata));
    }

    [Fact]
    public void ReadsTheHandWrittenFile()
    {
        var file = SafeTensors.Decode(Golden, Source);

        Assert.Equal(GoldenMetadata, file.Metadata);
        Assert.Equal(["w", "b"], file.Tensors.Select(t => t.Name));
        Assert.Equal([2, 2], file.Tensors[0].Shape);
        Assert.Equal([2], file.Tensors[1].Shape);
        Assert.All(file.Tensors, t => Assert.Equal("F32", t.Dtype));
        Assert.Equal([1, -2, 0.5f, 3], file.Tensors[0].Values!);
        Assert.Equal([0.25f, -1], file.Tensors[1].Values!);
    }

    [Fact]
    public void AHeaderWithoutMetadataOrPaddingAndInAnyOrderIsRead()
    {
        // The reference reader needs neither padding nor metadata, and takes tensors in any order of their offsets.
        var file = SafeTensors.Decode(FileOf("""{"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}""", GoldenData), Source);

        Assert.Empty(file.Metadata);
        Assert.Equal(["b", "w"], file.Tensors.Select(t => t.Name));
        Assert.Equal([1, -2, 0.5f, 3], file.Tensors[1].Values!);
    }

    [Fact]
    public void HalfBfloatAndDoubleAreReadAsFloat32()
    {
        byte[] data =
        [
            0x00, 0x3C, 0x00, 0xC1, // F16 1, -2.5
            0x80, 0x3F, 0x20, 0xC0, // BF16 1, -2.5
            0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0x04, 0xC0, // F64 1, -2.5
        ];
        var header = """{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"bf":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]},"d":{"dtype":"F64","shape":[2],"data_offsets":[8,24]}}""";

        var file = SafeTensors.Decode(FileOf(header, data), Source);

        Assert.All(file.Tensors, t => Assert.Equal([1f, -2.5f], t.Values!));
        Assert.Equal(["F16", "BF16", "F64"], file.Tensors.Select(t => t.Dtype));
    }

    [Fact]
    public void IntegerTensorsAreListedWithoutValues()
    {
        // BatchNorm's num_batches_tracked: an int64 scalar, listed so a mismatch can name it.
        var file = SafeTensors.Decode(FileOf("""{"n":{"dtype":"I64","shape":[],"data_offsets":[0,8]}}""", new byte[8]), Source);

        var tensor = Assert.Single(file.Tensors);
        Assert.Equal(("n", "I64", "[]"), (tensor.Name, tensor.Dtype, tensor.ShapeText));
        Assert.Null(tensor.Values);
    }

    [Fact]
    public void EmptyTensorsTakeNoBytes()
    {
        var file = SafeTensors.Decode(FileOf("""{"e":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", GoldenData[16..]), Source);

        Assert.Empty(file.Tensors[0].Values!);
        Assert.Equal([0.25f, -1], file.Tensors[1].Values!);
    }

    [Theory]
    [InlineData(0, "tiny.safetensors: 0 bytes, too short for a safetensors file (it starts with an 8-byte header length): empty or truncated")]
    [InlineData(5, "tiny.safetensors: 5 bytes, too short for a safetensors file (it starts with an 8-byte header length): empty or truncated")]
    [InlineData(100, "tiny.safetensors: the header length field says 168 bytes, past the end of the file (100 bytes): truncated, or not a safetensors file")]
    [InlineData(180, "tiny.safetensors: tensor 'w': data_offsets [0, 16] reach past the end of the data (4 bytes): the file is truncated")]
    [InlineData(199, "tiny.safetensors: tensor 'b': data_offsets [16, 24] reach past the end of the data (23 bytes): the file is truncated")]
    public void ATruncatedFileIsOneLine(int keptBytes, string message) =>
        AssertRefused(Golden[..keptBytes], message);

    [Fact]
    public void AHeaderLengthPastTheEndIsOneLine()
    {
        var file = Golden;
        file[5] = 1;

        AssertRefused(file, "tiny.safetensors: the header length field says 1099511627944 bytes, past the end of the file (200 bytes): truncated, or not a safetensors file");
    }

    [Theory]
    [InlineData("""{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}""", "tiny.safetensors: tensors 'w' [0, 16] and 'b' [8, 16] overlap")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[8,24]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"c":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", "tiny.safetensors: tensors 'b' [0, 8] and 'c' [4, 12] overlap")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}""", "tiny.safetensors: the data holds 8 bytes after the last tensor that belong to no tensor (the format allows none)")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[8,24]}}""", "tiny.safetensors: bytes 0 to 8 of the data belong to no tensor (the format allows no holes)")]
    [InlineData("""{"w":{"dtype":"F64","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}""", "tiny.safetensors: tensor 'w': F64 [2, 2] needs 32 bytes, but data_offsets [0, 16] hold 16")]
    [InlineData("""{"w":{"dtype":"F16","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}""", "tiny.safetensors: tensor 'w': F16 [2, 2] needs 8 bytes, but data_offsets [0, 16] hold 16")]
    [InlineData("""{"w":{"dtype":"F32","shape":[5],"data_offsets":[0,24]}}""", "tiny.safetensors: tensor 'w': F32 [5] needs 20 bytes, but data_offsets [0, 24] hold 24")]
    [InlineData("""{"w":{"dtype":"F32","shape":[65536,65536],"data_offsets":[0,24]}}""", "tiny.safetensors: tensor 'w': F32 [65536, 65536] needs more elements than an array holds, but data_offsets [0, 24] hold 24")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[16,0]}}""", "tiny.safetensors: tensor 'w': data_offsets is not [begin, end] with 0 ≤ begin ≤ end")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[-8,8]}}""", "tiny.safetensors: tensor 'w': data_offsets is not [begin, end] with 0 ≤ begin ≤ end")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2,2],"data_offsets":["0",16]}}""", "tiny.safetensors: tensor 'w': data_offsets is not [begin, end] with 0 ≤ begin ≤ end")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16,24]}}""", "tiny.safetensors: tensor 'w': data_offsets is not [begin, end] with 0 ≤ begin ≤ end")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2,-2],"data_offsets":[0,24]}}""", "tiny.safetensors: tensor 'w': shape is not a list of non-negative integers")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,24]}}""", "tiny.safetensors: tensor 'w': shape is not a list of non-negative integers")]
    [InlineData("""{"w":{"dtype":"F32","data_offsets":[0,24]}}""", "tiny.safetensors: tensor 'w': shape is not a list of non-negative integers")]
    [InlineData("""{"w":{"dtype":"Q4","shape":[6],"data_offsets":[0,24]}}""", "tiny.safetensors: tensor 'w': unknown dtype 'Q4' (the format's dtypes: BOOL, U8, I8, F8_E5M2, F8_E4M3, F8_E8M0, I16, U16, F16, BF16, I32, U32, F32, I64, U64, F64, C64)")]
    [InlineData("""{"w":{"shape":[6],"data_offsets":[0,24]}}""", "tiny.safetensors: tensor 'w': no dtype string")]
    [InlineData("""{"w":[0,24]}""", "tiny.safetensors: tensor 'w': not an object with dtype, shape and data_offsets")]
    [InlineData("""{"w":{"dtype":"F32","shape":[6],"dtype":"F64","data_offsets":[0,24]}}""", "tiny.safetensors: tensor 'w': 'dtype' is given twice")]
    [InlineData("""{"w":{"dtype":"F32","shape":[6],"data_offsets":[0,24]},"w":{"dtype":"F32","shape":[6],"data_offsets":[0,24]}}""", "tiny.safetensors: the header names 'w' twice")]
    [InlineData("""{"__metadata__":{"format":1},"w":{"dtype":"F32","shape":[6],"data_offsets":[0,24]}}""", "tiny.safetensors: __metadata__ 'format' is a number, not a string (the metadata maps names to strings)")]
    [InlineData("""{"__metadata__":["pt"],"w":{"dtype":"F32","shape":[6],"data_offsets":[0,24]}}""", "tiny.safetensors: __metadata__ is not an object of strings")]
    [InlineData("""{"w":{"dtype":"F32","shape":[6],"data_offsets":[0,24]}""", "tiny.safetensors: the header is not well-formed JSON (Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed. LineNumber: 0 | BytePositionInLine: 54.)")]
    [InlineData("""{"w":{"dtype":"F32","shape":[6],"data_offsets":[0,24]}}}""", "tiny.safetensors: the header is not well-formed JSON ('}' is invalid after a single JSON value. Expected end of data. LineNumber: 0 | BytePositionInLine: 55.)")]
    [InlineData("""[{"w":{"dtype":"F32","shape":[6],"data_offsets":[0,24]}}]""", "tiny.safetensors: the header does not start with '{' (damaged, or not a safetensors file)")]
    [InlineData("""{"w":{"dtype":"F32","shape":[6],"data_offsets":[0,24]}} // comment""", "tiny.safetensors: the header is not well-formed JSON ('/' is invalid after a single JSON value. Expected end of data. LineNumber: 0 | BytePositionInLine: 56.)")]
    public void ABadHeaderIsOneLine(string header, string message) => AssertRefused(FileOf(header, GoldenData), message);

    [Fact]
    public void AHeaderThatIsNotUtf8IsOneLine()
    {
        var file = Golden;
        file[10] = 0xFF;

        AssertRefused(file, "tiny.safetensors: the header is not UTF-8 text (damaged, or not a safetensors file)");
    }

    [Fact]
    public void EveryTruncationAndEveryFlippedByteIsRefusedInOneLineOrReadWhole() =>
        DamageSweep.AssertEveryCutAndFlip(Golden, Source, file => SafeTensors.Decode(file, Source));

    private static void AssertRefused(byte[] file, string message)
    {
        var error = Assert.Throws<AimcException>(() => SafeTensors.Decode(file, Source));
        Assert.Equal(message, error.Message);
    }

    private static byte[] FileOf(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        return [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. data];
    }
}
