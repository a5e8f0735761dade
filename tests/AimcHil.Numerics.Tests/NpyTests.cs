using System.Buffers.Binary;
using System.Text;

namespace AimcHil.Numerics.Tests;

public sealed class NpyTests : IDisposable
{
    private const string Supported = "<f2, <f4, <f8, <i2, <i4, <i8, |i1, |u1, <u2";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aimchil-npy-" + Guid.NewGuid().ToString("N"));

    public NpyTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Float32MatrixIsWrittenByteForByteAsNumPyWritesIt()
    {
        float[] data = [1f, 2f, 3f, -4.5f, 0f, 1e-3f];
        var dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

        // NumPy pads the header (spaces, then '\n') so the data starts on a 64-byte boundary. Magic, version and
        // length take 10 bytes and this dict 59, so the first boundary that fits is 128, not 64: the length field
        // says 118 (0x76), the value np.save gives for every small 2-D float32 array.
        var expected = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 0x01, 0x00, 0x76, 0x00 };
        expected.AddRange(Encoding.ASCII.GetBytes(dict));
        expected.AddRange(Enumerable.Repeat((byte)' ', 128 - 10 - dict.Length - 1));
        expected.Add((byte)'\n');
        Assert.Equal(128, expected.Count);
        foreach (var value in data)
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
            expected.AddRange(bytes);
        }

        using var stream = new MemoryStream();
        Npy.Write(stream, data, 2, 3);
        Assert.Equal(expected.ToArray(), stream.ToArray());

        var path = PathOf("W.npy");
        Npy.Write(path, data, 2, 3);
        Assert.Equal(expected.ToArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void OneDimensionalShapeIsWrittenAsASingletonTuple()
    {
        var explicitShape = PathOf("explicit.npy");
        var impliedShape = PathOf("implied.npy");

        Npy.Write(explicitShape, new[] { 1.0, 2.0, 3.0, 4.0, 5.0 }, 5);
        Npy.Write(impliedShape, new[] { 1.0, 2.0, 3.0, 4.0, 5.0 });

        var bytes = File.ReadAllBytes(explicitShape);
        var header = Encoding.ASCII.GetString(bytes, 10, bytes.Length - 10 - (5 * 8));
        Assert.StartsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }", header);
        Assert.EndsWith("\n", header);
        Assert.Equal(0, (10 + header.Length) % 64);
        Assert.Equal(bytes, File.ReadAllBytes(impliedShape));
    }

    [Fact]
    public void Float32RoundTrips()
    {
        var path = PathOf("f4.npy");
        float[] data = [0f, -1.5f, float.MaxValue, float.Epsilon, float.NegativeInfinity, 7f];

        Npy.Write(path, data, 3, 1, 2);
        var array = Npy.Read(path);

        Assert.Equal("<f4", array.Dtype);
        Assert.Equal(new[] { 3, 1, 2 }, array.Shape);
        Assert.Equal(6, array.Length);
        Assert.Equal(data, array.ToSingle());
        Assert.Equal(Array.ConvertAll(data, v => (double)v), array.ToDouble());
    }

    [Fact]
    public void Float64RoundTrips()
    {
        var path = PathOf("f8.npy");
        double[] data = [Math.PI, -0.0, 1e300, double.NaN];

        Npy.Write(path, data, 2, 2);
        var array = Npy.Read(path);

        Assert.Equal("<f8", array.Dtype);
        Assert.Equal(new[] { 2, 2 }, array.Shape);
        Assert.Equal(data, array.ToDouble());
        Assert.Equal((float)Math.PI, array.ToSingle()[0]);
    }

    [Fact]
    public void Int32RoundTrips()
    {
        var path = PathOf("i4.npy");
        int[] data = [int.MinValue, -1, 0, 1, int.MaxValue, 42];

        Npy.Write(path, data, 6);
        var array = Npy.Read(path);

        Assert.Equal("<i4", array.Dtype);
        Assert.Equal(new[] { 6 }, array.Shape);
        Assert.Equal(data, array.ToInt32());
        Assert.Equal(Array.ConvertAll(data, v => (double)v), array.ToDouble());
    }

    [Fact]
    public void EmptyArrayRoundTrips()
    {
        var path = PathOf("empty.npy");

        Npy.Write(path, Array.Empty<float>(), 0, 4);
        var array = Npy.Read(path);

        Assert.Equal(new[] { 0, 4 }, array.Shape);
        Assert.Empty(array.ToSingle());
    }

    [Fact]
    public void SeveralArraysInOneStreamAreReadInTurn()
    {
        using var stream = new MemoryStream();
        Npy.Write(stream, new[] { 1f, 2f }, 2);
        Npy.Write(stream, new[] { 3, 4, 5 }, 3);
        stream.Position = 0;

        Assert.Equal(new[] { 1f, 2f }, Npy.Read(stream).ToSingle());
        Assert.Equal(new[] { 3, 4, 5 }, Npy.Read(stream).ToInt32());
        Assert.Equal(stream.Length, stream.Position);
    }

    [Theory]
    [InlineData("<i8", 8)]
    [InlineData("<i2", 2)]
    [InlineData("|i1", 1)]
    [InlineData("|u1", 1)]
    [InlineData("<u2", 2)]
    public void ReadOnlyIntegerDtypesConvertToEveryElementType(string dtype, int size)
    {
        long[] values = [0, 1, 2, 100, 127, dtype[1] == 'u' ? 255 : -128];
        var data = new byte[values.Length * size];
        for (var i = 0; i < values.Length; i++)
        {
            var bytes = BitConverter.GetBytes(values[i]);
            Array.Copy(bytes, 0, data, i * size, size);
        }

        var path = PathOf("ints.npy");
        File.WriteAllBytes(path, NpyFile(1, $"{{'descr': '{dtype}', 'fortran_order': False, 'shape': (3, 2), }}", data));
        var array = Npy.Read(path);

        Assert.Equal(dtype, array.Dtype);
        Assert.Equal(new[] { 3, 2 }, array.Shape);
        Assert.Equal(Array.ConvertAll(values, v => (int)v), array.ToInt32());
        Assert.Equal(Array.ConvertAll(values, v => (double)v), array.ToDouble());
        Assert.Equal(Array.ConvertAll(values, v => (float)v), array.ToSingle());
    }

    [Fact]
    public void Float16IsReadAndWidenedExactly()
    {
        // np.array([1, -2.5, 65504, 2**-24], dtype='<f2'): the largest half and the smallest subnormal widen exactly.
        var data = new byte[] { 0x00, 0x3C, 0x00, 0xC1, 0xFF, 0x7B, 0x01, 0x00 };
        using var stream = new MemoryStream(NpyFile(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2, 2), }", data));

        var array = Npy.Read(stream);

        Assert.Equal("<f2", array.Dtype);
        Assert.Equal(new[] { 1f, -2.5f, 65504f, MathF.Pow(2, -24) }, array.ToSingle());
        Assert.Equal(new[] { 1.0, -2.5, 65504.0, Math.Pow(2, -24) }, array.ToDouble());
    }

    [Theory]
    [InlineData(">f4", new byte[] { 0x3F, 0x80, 0x00, 0x00, 0xC0, 0x20, 0x00, 0x00 })]
    [InlineData(">f2", new byte[] { 0x3C, 0x00, 0xC1, 0x00 })]
    [InlineData(">f8", new byte[] { 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0xC0, 0x04, 0, 0, 0, 0, 0, 0 })]
    public void BigEndianArraysAreSwappedWhenRead(string dtype, byte[] data)
    {
        using var stream = new MemoryStream(NpyFile(1, $"{{'descr': '{dtype}', 'fortran_order': False, 'shape': (2,), }}", data));

        var array = Npy.Read(stream);

        Assert.Equal("<" + dtype[1..], array.Dtype);
        Assert.Equal(new[] { 1f, -2.5f }, array.ToSingle());
    }

    [Fact]
    public void Version2FileIsRead()
    {
        var data = new byte[3 * 8];
        for (var i = 0; i < 3; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(i * 8), i + 0.5);
        }

        var path = PathOf("v2.npy");
        File.WriteAllBytes(path, NpyFile(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", data));
        var array = Npy.Read(path);

        Assert.Equal("<f8", array.Dtype);
        Assert.Equal(new[] { 3 }, array.Shape);
        Assert.Equal(new[] { 0.5, 1.5, 2.5 }, array.ToDouble());
    }

    [Fact]
    public void HeadersFromOtherWritersAreUnderstood()
    {
        // Python 2 NumPy wrote longs (2L); other writers reorder keys, use double quotes, omit the trailing comma,
        // or write '<u1' for a byte type.
        var data = new byte[] { 1, 2, 3, 4, 5, 6 };
        var header = "{\"shape\": (2L, 3L), \"fortran_order\": False, \"descr\": \"<u1\"}";
        using var stream = new MemoryStream(NpyFile(1, header, data));

        var array = Npy.Read(stream);

        Assert.Equal("|u1", array.Dtype);
        Assert.Equal(new[] { 2, 3 }, array.Shape);
        Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, array.ToInt32());
    }

    [Fact]
    public void ZeroDimensionalArrayHasOneElement()
    {
        var data = BitConverter.GetBytes(2.5f);
        using var stream = new MemoryStream(NpyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", data));

        var array = Npy.Read(stream);

        Assert.Empty(array.Shape);
        Assert.Equal(1, array.Length);
        Assert.Equal(new[] { 2.5f }, array.ToSingle());
    }

    [Fact]
    public void ShapeCannotBeChangedThroughTheProperty()
    {
        using var stream = new MemoryStream();
        Npy.Write(stream, new[] { 1f, 2f }, 1, 2);
        stream.Position = 0;
        var array = Npy.Read(stream);

        array.Shape[0] = 99;

        Assert.Equal(new[] { 1, 2 }, array.Shape);
    }

    [Fact]
    public void BadMagicIsReportedWithThePath()
    {
        var path = PathOf("W.npy");
        File.WriteAllText(path, "weights,not,numpy\n1,2,3\n");

        var ex = Assert.Throws<NpyFormatException>(() => Npy.Read(path));

        Assert.Equal($"{path}: not a NumPy .npy file (bad magic)", ex.Message);
        Assert.Equal(path, ex.FilePath);
        Assert.Equal("not a NumPy .npy file (bad magic)", ex.Problem);
    }

    [Fact]
    public void EmptyFileIsNotAnNpyFile()
    {
        var path = PathOf("empty-file.npy");
        File.WriteAllBytes(path, []);

        var ex = Assert.Throws<NpyFormatException>(() => Npy.Read(path));

        Assert.Equal($"{path}: not a NumPy .npy file (bad magic)", ex.Message);
    }

    [Fact]
    public void StreamErrorsHaveNoPathUnlessNamed()
    {
        var ex = Assert.Throws<NpyFormatException>(() => Npy.Read(new MemoryStream([1, 2, 3, 4, 5, 6, 7, 8])));
        Assert.Equal("not a NumPy .npy file (bad magic)", ex.Message);
        Assert.Null(ex.FilePath);

        ex = Assert.Throws<NpyFormatException>(() => Npy.Read(new MemoryStream([1, 2, 3]), "upload"));
        Assert.Equal("upload: not a NumPy .npy file (bad magic)", ex.Message);
    }

    [Fact]
    public void TruncatedDataIsReported()
    {
        var path = PathOf("cut.npy");
        Npy.Write(path, new float[6], 2, 3);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);

        var ex = Assert.Throws<NpyFormatException>(() => Npy.Read(path));

        Assert.Equal($"{path}: truncated data: shape (2, 3) of '<f4' needs 24 bytes, found 20", ex.Message);
    }

    [Fact]
    public void TruncatedHeaderIsReported()
    {
        var path = PathOf("cut-header.npy");
        Npy.Write(path, new float[6], 2, 3);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..30]);

        var ex = Assert.Throws<NpyFormatException>(() => Npy.Read(path));

        Assert.Equal($"{path}: truncated header: expected 118 header bytes, found 20", ex.Message);
    }

    [Fact]
    public void FileEndingInsideTheVersionIsATruncatedHeader()
    {
        var ex = Assert.Throws<NpyFormatException>(() => Npy.Read(new MemoryStream([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1])));

        Assert.Equal("truncated header: the file ends inside the format version", ex.Message);
    }

    [Fact]
    public void UnknownFormatVersionIsReported()
    {
        var bytes = NpyFile(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        bytes[6] = 3;

        var ex = Assert.Throws<NpyFormatException>(() => Npy.Read(new MemoryStream(bytes), "v3.npy"));

        Assert.Equal("v3.npy: unsupported .npy format version 3.0 (this reader handles 1.0 and 2.0)", ex.Message);
    }

    [Theory]
    [InlineData("<c8")]
    [InlineData(">c8")]
    [InlineData("|b1")]
    [InlineData("<U5")]
    public void UnsupportedDtypeIsReported(string dtype)
    {
        var path = PathOf("odd.npy");
        File.WriteAllBytes(path, NpyFile(1, $"{{'descr': '{dtype}', 'fortran_order': False, 'shape': (1,), }}", new byte[16]));

        var ex = Assert.Throws<NpyFormatException>(() => Npy.Read(path));

        Assert.Equal($"{path}: unsupported dtype '{dtype}' (supported: {Supported})", ex.Message);
    }

    [Fact]
    public void StructuredDtypeIsReported()
    {
        var header = "{'descr': [('x', '<f4'), ('y', '<i4')], 'fortran_order': False, 'shape': (1,), }";

        var ex = Assert.Throws<NpyFormatException>(() => Npy.Read(new MemoryStream(NpyFile(1, header, new byte[8]))));

        Assert.Equal($"unsupported dtype: structured arrays are not supported (supported: {Supported})", ex.Message);
    }

    [Fact]
    public void FortranOrderIsRefused()
    {
        var path = PathOf("F.npy");
        File.WriteAllBytes(path, NpyFile(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", new byte[24]));

        var ex = Assert.Throws<NpyFormatException>(() => Npy.Read(path));

        Assert.Equal(
            $"{path}: fortran_order=True (column-major) arrays are not supported; save a C-ordered copy, e.g. np.save(path, np.ascontiguousarray(a))",
            ex.Message);
    }

    [Fact]
    public void MissingHeaderKeyIsReported()
    {
        var header = "{'descr': '<f4', 'fortran_order': False, }";

        var ex = Assert.Throws<NpyFormatException>(() => Npy.Read(new MemoryStream(NpyFile(1, header, []))));

        Assert.Equal($"malformed header (no 'shape' key): {header}", ex.Message);
    }

    [Fact]
    public void UnparsableHeaderIsReported()
    {
        var header = "{'descr': '<f4' 'fortran_order': False, 'shape': (1,), }";

        var ex = Assert.Throws<NpyFormatException>(() => Npy.Read(new MemoryStream(NpyFile(1, header, new byte[4]))));

        Assert.Equal($"malformed header (expected '}}' at offset 16): {header}", ex.Message);
    }

    [Fact]
    public void NegativeShapeInFileIsReported()
    {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }";

        var ex = Assert.Throws<NpyFormatException>(() => Npy.Read(new MemoryStream(NpyFile(1, header, new byte[8]))));

        Assert.Equal($"malformed header ('shape' must hold non-negative integers): {header}", ex.Message);
    }

    [Fact]
    public void ShapeThatDoesNotMatchTheDataIsRefusedBeforeTheFileIsTouched()
    {
        var path = PathOf("mismatch.npy");

        var ex = Assert.Throws<NpyFormatException>(() => Npy.Write(path, new float[5], 2, 3));

        Assert.Equal($"{path}: shape (2, 3) has 6 elements but the data has 5", ex.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void NegativeShapeIsRefusedOnWrite()
    {
        var ex = Assert.Throws<NpyFormatException>(() => Npy.Write(new MemoryStream(), new int[6], 2, -3));

        Assert.Equal("invalid shape (2, -3): dimensions must not be negative", ex.Message);
    }

    [Fact]
    public void FractionalValueCannotBecomeAnInt()
    {
        var path = PathOf("labels.npy");
        Npy.Write(path, new[] { 1f, 2f, 2.5f, 4f }, 2, 2);

        var ex = Assert.Throws<NpyFormatException>(() => Npy.Read(path).ToInt32());

        Assert.Equal($"{path}: element [1, 0] is 2.5, not an integer; cannot convert dtype '<f4' to int", ex.Message);
    }

    [Fact]
    public void NaNCannotBecomeAnInt()
    {
        using var stream = new MemoryStream();
        Npy.Write(stream, new[] { 0.0, double.NaN });
        stream.Position = 0;

        var ex = Assert.Throws<NpyFormatException>(() => Npy.Read(stream).ToInt32());

        Assert.Equal("element [1] is NaN, not an integer; cannot convert dtype '<f8' to int", ex.Message);
    }

    [Fact]
    public void OutOfRangeValuesCannotBecomeInts()
    {
        using var stream = new MemoryStream();
        Npy.Write(stream, new[] { 1.0, 3e9 });
        stream.Position = 0;
        var ex = Assert.Throws<NpyFormatException>(() => Npy.Read(stream).ToInt32());
        Assert.Equal("element [1] is 3000000000, outside the Int32 range; cannot convert dtype '<f8' to int", ex.Message);

        var data = new byte[3 * 8];
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(16), -3_000_000_000L);
        var int64 = Npy.Read(new MemoryStream(NpyFile(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", data)), "big.npy");
        ex = Assert.Throws<NpyFormatException>(() => int64.ToInt32());
        Assert.Equal("big.npy: element [2] is -3000000000, outside the Int32 range; cannot convert dtype '<i8' to int", ex.Message);
    }

    /// <summary>A .npy file assembled by hand, so reading is tested against bytes the writer did not produce.</summary>
    private static byte[] NpyFile(int major, string header, byte[] data)
    {
        var lengthBytes = major == 1 ? 2 : 4;
        var text = header;
        while ((6 + 2 + lengthBytes + text.Length + 1) % 64 != 0)
        {
            text += " ";
        }

        text += "\n";
        var file = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        var length = new byte[lengthBytes];
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)text.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)text.Length);
        }

        file.AddRange(length);
        file.AddRange(Encoding.Latin1.GetBytes(text));
        file.AddRange(data);
        return file.ToArray();
    }

    private string PathOf(string name) => Path.Combine(_directory, name);
}
