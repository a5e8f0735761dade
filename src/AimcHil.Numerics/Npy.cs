using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace AimcHil.Numerics;

/// <summary>Reads and writes NumPy .npy files (C order), the format weights, inputs and reference outputs are
/// exchanged in with Python tooling; reads format versions 1.0 and 2.0, either byte order, and writes little-endian
/// 1.0 byte for byte as NumPy does.</summary>
public static class Npy
{
    /// <summary>The dtypes <see cref="Read(string)"/> accepts, in the spelling NumPy writes; each multi-byte one is also
    /// read big-endian ('&gt;f4'), and <see cref="NpyArray.Dtype"/> then names it as the little-endian spelling.</summary>
    public static readonly IReadOnlyList<string> SupportedDtypes = ["<f2", "<f4", "<f8", "<i2", "<i4", "<i8", "|i1", "|u1", "<u2"];

    private const int Alignment = 64;

    // NumPy leaves room in the header for the first axis to grow to this many digits, so files can be appended to
    // and their header rewritten in place; copying it keeps our files byte-identical to np.save.
    private const int GrowthAxisMaxDigits = 21;

    // NumPy refuses headers over 10000 bytes by default; allow more, but not enough to allocate a huge buffer on
    // the word of a corrupt length field.
    private const int MaxHeaderBytes = 1 << 20;

    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a whole .npy file; problems with its contents throw <see cref="NpyFormatException"/> naming the path.</summary>
    public static NpyArray Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path);
    }

    /// <summary>Reads one array from the stream's current position and leaves the stream just past its data, so
    /// several arrays written one after another (as repeated np.save calls on one file do) can be read in turn.</summary>
    /// <param name="sourceName">Named in error messages, e.g. the file the stream came from.</param>
    public static NpyArray Read(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);

        Span<byte> prefix = stackalloc byte[8];
        var got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got < Magic.Length || !prefix[..Magic.Length].SequenceEqual(Magic))
        {
            throw new NpyFormatException(sourceName, "not a NumPy .npy file (bad magic)");
        }

        if (got < prefix.Length)
        {
            throw new NpyFormatException(sourceName, "truncated header: the file ends inside the format version");
        }

        int major = prefix[6], minor = prefix[7];
        var lengthFieldBytes = (major, minor) switch
        {
            (1, 0) => 2,
            (2, 0) => 4,
            _ => throw new NpyFormatException(
                sourceName,
                $"unsupported .npy format version {major}.{minor} (this reader handles 1.0 and 2.0)"),
        };

        Span<byte> lengthField = stackalloc byte[4];
        lengthField = lengthField[..lengthFieldBytes];
        if (stream.ReadAtLeast(lengthField, lengthFieldBytes, throwOnEndOfStream: false) < lengthFieldBytes)
        {
            throw new NpyFormatException(sourceName, "truncated header: the file ends inside the header length");
        }

        var headerLength = lengthFieldBytes == 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(lengthField)
            : BinaryPrimitives.ReadUInt32LittleEndian(lengthField);
        if (headerLength > MaxHeaderBytes)
        {
            throw new NpyFormatException(
                sourceName,
                string.Create(CultureInfo.InvariantCulture, $"malformed header: declared header length {headerLength} bytes is implausibly large"));
        }

        var headerBytes = new byte[headerLength];
        var headerGot = stream.ReadAtLeast(headerBytes, headerBytes.Length, throwOnEndOfStream: false);
        if (headerGot < headerBytes.Length)
        {
            throw new NpyFormatException(
                sourceName,
                string.Create(CultureInfo.InvariantCulture, $"truncated header: expected {headerLength} header bytes, found {headerGot}"));
        }

        // Versions 1.0 and 2.0 define the header as latin-1 text.
        var header = ParseHeader(Encoding.Latin1.GetString(headerBytes), sourceName);

        var itemSize = ItemSize(header.Dtype);
        var byteCount = (long)header.Count * itemSize;
        if (byteCount > Array.MaxLength)
        {
            throw new NpyFormatException(
                sourceName,
                string.Create(CultureInfo.InvariantCulture, $"array of shape {ShapeText(header.Shape)} and dtype '{header.Dtype}' is too large to load ({byteCount} bytes)"));
        }

        // A header is a few dozen bytes and may claim 2 GB of data: where the stream knows its length, a truncated file
        // is refused before that much memory is taken for it.
        if (stream.CanSeek && stream.Length - stream.Position < byteCount)
        {
            throw TruncatedData(sourceName, header, byteCount, Math.Max(0, stream.Length - stream.Position));
        }

        var data = GC.AllocateUninitializedArray<byte>((int)byteCount);
        var dataGot = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (dataGot < data.Length)
        {
            throw TruncatedData(sourceName, header, byteCount, dataGot);
        }

        if (header.BigEndian == BitConverter.IsLittleEndian)
        {
            ReverseEachElement(data, itemSize);
        }

        return new NpyArray(header.Shape, header.Dtype, data, (int)header.Count, sourceName);
    }

    private static NpyFormatException TruncatedData(string? sourceName, Header header, long byteCount, long found) =>
        new(sourceName, string.Create(CultureInfo.InvariantCulture, $"truncated data: shape {ShapeText(header.Shape)} of '{header.Dtype}' needs {byteCount} bytes, found {found}"));

    /// <summary>Writes float32 ('&lt;f4') data; with no shape the array is one-dimensional.</summary>
    public static void Write(string path, float[] data, params int[] shape) => WriteFile(path, "<f4", data, shape);

    /// <summary>Writes float64 ('&lt;f8') data; with no shape the array is one-dimensional.</summary>
    public static void Write(string path, double[] data, params int[] shape) => WriteFile(path, "<f8", data, shape);

    /// <summary>Writes int32 ('&lt;i4') data; with no shape the array is one-dimensional.</summary>
    public static void Write(string path, int[] data, params int[] shape) => WriteFile(path, "<i4", data, shape);

    /// <summary>Writes int8 ('|i1') data; with no shape the array is one-dimensional.</summary>
    public static void Write(string path, sbyte[] data, params int[] shape) => WriteFile(path, "|i1", data, shape);

    /// <summary>Writes float32 ('&lt;f4') data at the stream's position; with no shape the array is one-dimensional.</summary>
    public static void Write(Stream stream, float[] data, params int[] shape) => WriteStream(stream, "<f4", data, shape);

    /// <summary>Writes float64 ('&lt;f8') data at the stream's position; with no shape the array is one-dimensional.</summary>
    public static void Write(Stream stream, double[] data, params int[] shape) => WriteStream(stream, "<f8", data, shape);

    /// <summary>Writes int32 ('&lt;i4') data at the stream's position; with no shape the array is one-dimensional.</summary>
    public static void Write(Stream stream, int[] data, params int[] shape) => WriteStream(stream, "<i4", data, shape);

    /// <summary>Writes int8 ('|i1') data at the stream's position; with no shape the array is one-dimensional.</summary>
    public static void Write(Stream stream, sbyte[] data, params int[] shape) => WriteStream(stream, "|i1", data, shape);

    /// <summary>Python's repr of a shape tuple: "()", "(5,)", "(2, 3)".</summary>
    internal static string ShapeText(IReadOnlyList<int> shape) => shape.Count switch
    {
        0 => "()",
        1 => string.Create(CultureInfo.InvariantCulture, $"({shape[0]},)"),
        _ => "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")",
    };

    internal static int ItemSize(string dtype) => dtype[^1] - '0';

    private static void WriteFile<T>(string path, string dtype, T[] data, int[] shape)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(path);

        // Validate before creating the file, so a bad call does not truncate an existing one.
        var header = BuildHeader(dtype, data, shape, path);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        stream.Write(header);
        stream.Write(LittleEndianBytes(data));
    }

    private static void WriteStream<T>(Stream stream, string dtype, T[] data, int[] shape)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(stream);
        var header = BuildHeader(dtype, data, shape, null);
        stream.Write(header);
        stream.Write(LittleEndianBytes(data));
    }

    private static byte[] BuildHeader<T>(string dtype, T[] data, int[] shape, string? path)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0)
        {
            shape = [data.Length];
        }

        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new NpyFormatException(path, $"invalid shape {ShapeText(shape)}: dimensions must not be negative");
            }

            // Saturate rather than overflow: any product past int range already cannot match an array's length.
            count = Math.Min(count * dim, (long)int.MaxValue + 1);
        }

        if (count != data.Length)
        {
            throw new NpyFormatException(
                path,
                string.Create(CultureInfo.InvariantCulture, $"shape {ShapeText(shape)} has {count} elements but the data has {data.Length}"));
        }

        // Keys in sorted order and the trailing ", }" are what NumPy's writer produces.
        var text = new StringBuilder()
            .Append("{'descr': '").Append(dtype).Append("', 'fortran_order': False, 'shape': ")
            .Append(ShapeText(shape)).Append(", }");
        if (shape.Length > 0)
        {
            text.Append(' ', GrowthAxisMaxDigits - shape[0].ToString(CultureInfo.InvariantCulture).Length);
        }

        // NumPy's padding rule, including its quirk of adding a full 64 spaces when the text is already aligned.
        const int prefixBytes = 10;
        var withNewline = text.Length + 1;
        var padding = Alignment - ((prefixBytes + withNewline) % Alignment);
        text.Append(' ', padding).Append('\n');

        var header = new byte[prefixBytes + text.Length];
        Magic.CopyTo(header, 0);
        header[6] = 1;
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), checked((ushort)text.Length));
        Encoding.Latin1.GetBytes(text.ToString(), header.AsSpan(prefixBytes));
        return header;
    }

    private static ReadOnlySpan<byte> LittleEndianBytes<T>(T[] data)
        where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(data.AsSpan());
        if (BitConverter.IsLittleEndian)
        {
            return bytes;
        }

        var copy = bytes.ToArray();
        ReverseEachElement(copy, Unsafe.SizeOf<T>());
        return copy;
    }

    private static void ReverseEachElement(Span<byte> bytes, int itemSize)
    {
        switch (itemSize)
        {
            case 2:
                var halves = MemoryMarshal.Cast<byte, ushort>(bytes);
                BinaryPrimitives.ReverseEndianness(halves, halves);
                break;
            case 4:
                var words = MemoryMarshal.Cast<byte, uint>(bytes);
                BinaryPrimitives.ReverseEndianness(words, words);
                break;
            case 8:
                var doubles = MemoryMarshal.Cast<byte, ulong>(bytes);
                BinaryPrimitives.ReverseEndianness(doubles, doubles);
                break;
        }
    }

    private static Header ParseHeader(string text, string? sourceName)
    {
        object? parsed;
        try
        {
            parsed = new NpyHeaderParser(text).ParseDocument();
        }
        catch (FormatException ex)
        {
            throw new NpyFormatException(sourceName, $"malformed header ({ex.Message}): {text.TrimEnd()}");
        }

        if (parsed is not Dictionary<string, object?> fields)
        {
            throw new NpyFormatException(sourceName, $"malformed header (not a dictionary): {text.TrimEnd()}");
        }

        var descrField = Field(fields, "descr", text, sourceName);
        var dtype = descrField switch
        {
            string descr => CanonicalDtype(descr) ?? throw new NpyFormatException(
                sourceName,
                $"unsupported dtype '{descr}' (supported: {string.Join(", ", SupportedDtypes)})"),
            _ => throw new NpyFormatException(
                sourceName,
                $"unsupported dtype: structured arrays are not supported (supported: {string.Join(", ", SupportedDtypes)})"),
        };

        var fortranOrder = Field(fields, "fortran_order", text, sourceName) as bool?
            ?? throw new NpyFormatException(sourceName, $"malformed header ('fortran_order' is not True or False): {text.TrimEnd()}");
        if (fortranOrder)
        {
            throw new NpyFormatException(
                sourceName,
                "fortran_order=True (column-major) arrays are not supported; save a C-ordered copy, e.g. np.save(path, np.ascontiguousarray(a))");
        }

        if (Field(fields, "shape", text, sourceName) is not List<object?> dims)
        {
            throw new NpyFormatException(sourceName, $"malformed header ('shape' is not a tuple): {text.TrimEnd()}");
        }

        var shape = new int[dims.Count];
        long count = 1;
        for (var i = 0; i < dims.Count; i++)
        {
            if (dims[i] is not long dim || dim < 0 || dim > int.MaxValue)
            {
                throw new NpyFormatException(sourceName, $"malformed header ('shape' must hold non-negative integers): {text.TrimEnd()}");
            }

            shape[i] = (int)dim;
            count = Math.Min(count * dim, (long)int.MaxValue + 1);
        }

        if (count > int.MaxValue)
        {
            throw new NpyFormatException(
                sourceName,
                $"array of shape {ShapeText(shape)} has more than {int.MaxValue} elements, too many to load");
        }

        return new Header(dtype, shape, count, descrField is string { Length: > 0 } d && d[0] == '>');
    }

    private static object? Field(Dictionary<string, object?> fields, string key, string text, string? sourceName) =>
        fields.TryGetValue(key, out var value)
            ? value
            : throw new NpyFormatException(sourceName, $"malformed header (no '{key}' key): {text.TrimEnd()}");

    private static string? CanonicalDtype(string descr)
    {
        // Byte order is meaningless for one-byte types; NumPy writes '|' but older writers used '<' or '='.
        if (descr.Length == 3 && descr[0] is '|' or '<' or '>' or '=' && descr[1..] is "i1" or "u1")
        {
            return "|" + descr[1..];
        }

        // Big-endian arrays (saved on such a machine, or with dtype '>f4') are swapped when read.
        var littleEndian = descr.Length == 3 && descr[0] == '>' ? "<" + descr[1..] : descr;
        return SupportedDtypes.Contains(littleEndian) ? littleEndian : null;
    }

    private readonly record struct Header(string Dtype, int[] Shape, long Count, bool BigEndian);
}
