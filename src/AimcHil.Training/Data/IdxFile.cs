using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics.Tensors;
using AimcHil.Core;

namespace AimcHil.Training.Data;

/// <summary>Reads the IDX files MNIST and Fashion-MNIST ship in (images and labels, plain or gzip-compressed).</summary>
public static class IdxFile
{
    /// <summary>The one element type the MNIST family uses; other IDX types are rejected by name.</summary>
    public const byte UnsignedByteType = 0x08;

    private const int ImageDimensions = 3;
    private const int LabelDimensions = 1;

    /// <summary>Reads an images file (count × rows × cols bytes) as one row of rows·cols pixels per image, scaled
    /// to [0, 1] by byte/255.</summary>
    public static Grid<float> ReadImages(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var idx = Read(path, ImageDimensions, "images (count, rows, cols)", "pixels");
        var count = idx.Dimensions[0];

        // With zero images the total size says nothing about rows × cols, which could still overflow an int.
        var pixelsPerImage = (long)idx.Dimensions[1] * idx.Dimensions[2];
        if (pixelsPerImage > Array.MaxLength)
        {
            throw new AimcException($"{path}: images of {idx.Dimensions[1]}×{idx.Dimensions[2]} pixels are too large");
        }

        var images = new Grid<float>(count, (int)pixelsPerImage);

        // Exact IEEE division by 255 (not a multiply by its reciprocal), so a byte maps to the same float as b/255f.
        var pixels = idx.Data;
        TensorPrimitives.ConvertTruncating<byte, float>(pixels, images.Data);
        TensorPrimitives.Divide(images.Data, 255f, images.Data);
        return images;
    }

    /// <summary>Reads a labels file (count bytes) as one class index per example.</summary>
    public static int[] ReadLabels(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var idx = Read(path, LabelDimensions, "labels (count)", "labels");
        var labels = new int[idx.Dimensions[0]];
        TensorPrimitives.ConvertTruncating<byte, int>(idx.Data, labels);
        return labels;
    }

    /// <summary>Reads an images file and its labels file as one dataset.</summary>
    /// <param name="classes">The number of classes; every label must lie below it. Null takes one more than the
    /// largest label found.</param>
    public static Dataset ReadDataset(string imagesPath, string labelsPath, int? classes = null)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        ArgumentNullException.ThrowIfNull(labelsPath);
        var images = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath);
        if (images.Rows != labels.Length)
        {
            throw new AimcException(
                $"{imagesPath} and {labelsPath}: {images.Rows} images but {labels.Length} labels; the two files must describe the same examples");
        }

        var classCount = classes ?? (labels.Length == 0 ? 0 : labels.Max() + 1);
        CheckLabelsBelow(labels, classCount, labelsPath);
        return new Dataset(images, labels, classCount);
    }

    internal static void CheckLabelsBelow(int[] labels, int classes, string labelsPath)
    {
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classes)
            {
                throw new AimcException(
                    $"{labelsPath}: label {labels[i]} of example {i} is outside the {classes} classes (0 to {classes - 1})");
            }
        }
    }

    private static IdxContent Read(string path, int expectedDimensions, string expectedShape, string elementName)
    {
        var (bytes, length) = ReadDecompressed(path);
        var content = bytes.AsSpan(0, length);
        if (length < 4)
        {
            throw new AimcException($"{path}: not an IDX file: {length} bytes, too short for the 4-byte magic");
        }

        if (content[0] != 0 || content[1] != 0)
        {
            throw new AimcException(
                $"{path}: not an IDX file: bad magic {content[0]:x2} {content[1]:x2} {content[2]:x2} {content[3]:x2}, expected 00 00 <type> <dimensions>");
        }

        var typeCode = content[2];
        if (typeCode != UnsignedByteType)
        {
            throw new AimcException(
                $"{path}: unsupported IDX type code 0x{typeCode:X2} ({TypeName(typeCode)}); only 0x08 (unsigned byte) is supported");
        }

        var dimensionCount = content[3];
        if (dimensionCount != expectedDimensions)
        {
            throw new AimcException(
                $"{path}: expected {expectedDimensions} {(expectedDimensions == 1 ? "dimension" : "dimensions")} for {expectedShape}, found {dimensionCount}");
        }

        var headerLength = 4 + (4 * dimensionCount);
        if (length < headerLength)
        {
            throw new AimcException(
                $"{path}: truncated: expected a {headerLength}-byte header, found {length} bytes");
        }

        var dimensions = new int[dimensionCount];
        long elementCount = 1;
        for (var d = 0; d < dimensionCount; d++)
        {
            var size = BinaryPrimitives.ReadUInt32BigEndian(content.Slice(4 + (4 * d), 4));
            elementCount *= size;
            if (size > int.MaxValue || elementCount > Array.MaxLength)
            {
                throw new AimcException($"{path}: dimension {d} is {size}, too large for an in-memory dataset");
            }

            dimensions[d] = (int)size;
        }

        var found = length - headerLength;
        if (found < elementCount)
        {
            throw new AimcException($"{path}: truncated: expected {elementCount} bytes of {elementName}, found {found}");
        }

        if (found > elementCount)
        {
            // Extra bytes mean the header and the data disagree, so the shape cannot be trusted either.
            throw new AimcException(
                $"{path}: {found - elementCount} bytes after the {elementCount} bytes of {elementName} that the header announces");
        }

        return new IdxContent(dimensions, bytes.AsMemory(headerLength, (int)elementCount));
    }

    // The whole file is read at once and gunzipped into one buffer: a 47 MB images file then costs one pass of
    // inflate and one vectorized conversion, not millions of small stream reads.
    private static (byte[] Bytes, int Length) ReadDecompressed(string path)
    {
        byte[] raw;
        try
        {
            raw = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new AimcException($"{path}: not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AimcException($"{path}: cannot be read: {e.Message}", e);
        }

        if (raw.Length < 2 || raw[0] != 0x1f || raw[1] != 0x8b)
        {
            return (raw, raw.Length);
        }

        try
        {
            using var gzip = new GZipStream(new MemoryStream(raw, writable: false), CompressionMode.Decompress);
            using var inflated = new MemoryStream(InflatedSizeHint(raw));
            gzip.CopyTo(inflated);
            return (inflated.GetBuffer(), (int)inflated.Length);
        }
        catch (InvalidDataException e)
        {
            throw new AimcException($"{path}: corrupt gzip data: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new AimcException($"{path}: cannot be decompressed: {e.Message}", e);
        }
    }

    // The gzip trailer ends with the uncompressed size mod 2^32; trusting it only as a capacity hint (capped) saves
    // the doubling copies of a growing buffer without letting a corrupt trailer allocate gigabytes.
    private static int InflatedSizeHint(byte[] gzip)
    {
        if (gzip.Length < 18)
        {
            return 0;
        }

        var size = BinaryPrimitives.ReadUInt32LittleEndian(gzip.AsSpan(gzip.Length - 4));
        return (int)Math.Min(size, 256u << 20);
    }

    private static string TypeName(byte typeCode) => typeCode switch
    {
        0x09 => "signed byte",
        0x0B => "16-bit integer",
        0x0C => "32-bit integer",
        0x0D => "32-bit float",
        0x0E => "64-bit float",
        _ => "not an IDX type",
    };

    private readonly record struct IdxContent(int[] Dimensions, ReadOnlyMemory<byte> Memory)
    {
        public ReadOnlySpan<byte> Data => Memory.Span;
    }
}
