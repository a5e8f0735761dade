using System.IO.Compression;
using System.Text.RegularExpressions;
using AimcHil.Core;
using AimcHil.Training.Data;

namespace AimcHil.Training.Tests.Data;

public sealed class IdxFileTests : IDisposable
{
    // Two 2×3 images, written out by hand as the IDX format lays them down: magic 00 00 08 03, then the
    // dimensions 2, 2, 3 as big-endian int32, then the pixels row by row.
    private static readonly byte[] GoldenImages =
    [
        0x00, 0x00, 0x08, 0x03,
        0x00, 0x00, 0x00, 0x02,
        0x00, 0x00, 0x00, 0x02,
        0x00, 0x00, 0x00, 0x03,
        0, 51, 102, 153, 204, 255,
        255, 128, 1, 0, 17, 34,
    ];

    private static readonly byte[] GoldenLabels =
    [
        0x00, 0x00, 0x08, 0x01,
        0x00, 0x00, 0x00, 0x02,
        7, 3,
    ];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aimchil-idx-" + Guid.NewGuid().ToString("N"));

    public IdxFileTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void PlainImagesAreReadAsOneRowOfPixelsPerImageScaledByByteOver255()
    {
        var images = IdxFile.ReadImages(Write("images", GoldenImages));

        Assert.Equal(2, images.Rows);
        Assert.Equal(6, images.Cols);
        Assert.Equal([0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f], images.Row(0).ToArray());
        Assert.Equal([1f, 128 / 255f, 1 / 255f, 0f, 17 / 255f, 34 / 255f], images.Row(1).ToArray());
    }

    [Fact]
    public void EveryByteValueMapsToExactlyItsQuotientBy255()
    {
        var pixels = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var images = IdxFile.ReadImages(Write("all-bytes", Idx([1, 16, 16], pixels)));

        for (var b = 0; b < 256; b++)
        {
            Assert.Equal(b / 255f, images.Data[b]);
        }
    }

    [Fact]
    public void LabelsAreReadAsClassIndices()
    {
        Assert.Equal([7, 3], IdxFile.ReadLabels(Write("labels", GoldenLabels)));
    }

    [Fact]
    public void GzipIsRecognisedByItsMagicNotByTheFileName()
    {
        var gzippedWithoutSuffix = Write("images-no-suffix", Gzip(GoldenImages));
        var plainWithSuffix = Write("images-plain.gz", GoldenImages);
        var expected = IdxFile.ReadImages(Write("images", GoldenImages)).Data;

        Assert.Equal(expected, IdxFile.ReadImages(gzippedWithoutSuffix).Data);
        Assert.Equal(expected, IdxFile.ReadImages(plainWithSuffix).Data);
        Assert.Equal([7, 3], IdxFile.ReadLabels(Write("labels.gz", Gzip(GoldenLabels))));
    }

    [Fact]
    public void ReadDatasetPairsImagesWithLabelsAndInfersTheClassCount()
    {
        var dataset = IdxFile.ReadDataset(Write("images.gz", Gzip(GoldenImages)), Write("labels", GoldenLabels));

        Assert.Equal(2, dataset.Count);
        Assert.Equal(8, dataset.Classes);
        Assert.Equal([7, 3], dataset.Labels);
        Assert.Equal(1f, dataset.Features[0, 5]);
    }

    [Fact]
    public void BadMagicIsReported()
    {
        var path = Write("bad-magic", [0x01, 0x02, 0x08, 0x03, .. GoldenImages[4..]]);

        var error = Assert.Throws<AimcException>(() => IdxFile.ReadImages(path));

        Assert.Equal($"{path}: not an IDX file: bad magic 01 02 08 03, expected 00 00 <type> <dimensions>", error.Message);
    }

    [Fact]
    public void AFileTooShortForTheMagicIsReported()
    {
        var path = Write("tiny", [0x00, 0x00]);

        var error = Assert.Throws<AimcException>(() => IdxFile.ReadLabels(path));

        Assert.Equal($"{path}: not an IDX file: 2 bytes, too short for the 4-byte magic", error.Message);
    }

    [Fact]
    public void TypesOtherThanUnsignedByteAreRejectedByName()
    {
        var path = Write("floats", [0x00, 0x00, 0x0D, 0x03, .. GoldenImages[4..]]);

        var error = Assert.Throws<AimcException>(() => IdxFile.ReadImages(path));

        Assert.Equal(
            $"{path}: unsupported IDX type code 0x0D (32-bit float); only 0x08 (unsigned byte) is supported",
            error.Message);
    }

    [Fact]
    public void AWrongDimensionCountIsReported()
    {
        var imagesAsLabels = Write("images", GoldenImages);
        var labelsAsImages = Write("labels", GoldenLabels);

        var labelsError = Assert.Throws<AimcException>(() => IdxFile.ReadLabels(imagesAsLabels));
        var imagesError = Assert.Throws<AimcException>(() => IdxFile.ReadImages(labelsAsImages));

        Assert.Equal($"{imagesAsLabels}: expected 1 dimension for labels (count), found 3", labelsError.Message);
        Assert.Equal($"{labelsAsImages}: expected 3 dimensions for images (count, rows, cols), found 1", imagesError.Message);
    }

    [Fact]
    public void TruncatedPixelsAreReportedWithExpectedAndFoundCounts()
    {
        var cut = GoldenImages[..(16 + 5)];
        var plain = Write("cut", cut);
        var gzipped = Write("cut.gz", Gzip(cut));

        var plainError = Assert.Throws<AimcException>(() => IdxFile.ReadImages(plain));
        var gzipError = Assert.Throws<AimcException>(() => IdxFile.ReadImages(gzipped));

        Assert.Equal($"{plain}: truncated: expected 12 bytes of pixels, found 5", plainError.Message);
        Assert.Equal($"{gzipped}: truncated: expected 12 bytes of pixels, found 5", gzipError.Message);
    }

    [Fact]
    public void TruncatedLabelsAndHeadersAreReported()
    {
        var labels = Write("labels", GoldenLabels[..9]);
        var header = Write("header", GoldenImages[..10]);

        Assert.Equal(
            $"{labels}: truncated: expected 2 bytes of labels, found 1",
            Assert.Throws<AimcException>(() => IdxFile.ReadLabels(labels)).Message);
        Assert.Equal(
            $"{header}: truncated: expected a 16-byte header, found 10 bytes",
            Assert.Throws<AimcException>(() => IdxFile.ReadImages(header)).Message);
    }

    [Fact]
    public void BytesBeyondWhatTheHeaderAnnouncesAreReported()
    {
        var path = Write("long", [.. GoldenLabels, 9, 9, 9]);

        var error = Assert.Throws<AimcException>(() => IdxFile.ReadLabels(path));

        Assert.Equal($"{path}: 3 bytes after the 2 bytes of labels that the header announces", error.Message);
    }

    [Fact]
    public void ImageAndLabelCountsMustAgree()
    {
        var images = Write("images", GoldenImages);
        var labels = Write("labels", Idx([3], [1, 2, 3]));

        var error = Assert.Throws<AimcException>(() => IdxFile.ReadDataset(images, labels));

        Assert.Equal(
            $"{images} and {labels}: 2 images but 3 labels; the two files must describe the same examples",
            error.Message);
    }

    [Fact]
    public void LabelsOutsideTheGivenClassesAreReported()
    {
        var images = Write("images", GoldenImages);
        var labels = Write("labels", GoldenLabels);

        var error = Assert.Throws<AimcException>(() => IdxFile.ReadDataset(images, labels, classes: 5));

        Assert.Equal($"{labels}: label 7 of example 0 is outside the 5 classes (0 to 4)", error.Message);
    }

    [Fact]
    public void CorruptGzipIsReported()
    {
        // A valid gzip header followed by a deflate block of the reserved type 11.
        var path = Write("corrupt.gz", [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);

        var error = Assert.Throws<AimcException>(() => IdxFile.ReadImages(path));

        Assert.StartsWith($"{path}: corrupt gzip data: ", error.Message);
    }

    [Fact]
    public void AGzipCutShortIsReportedAsTruncatedPixels()
    {
        // Inflate hands back what it could decode before the cut without complaint, so it is the IDX length check
        // that has to catch a half-downloaded .gz.
        var pixels = Enumerable.Range(0, 4000).Select(i => (byte)((i * 7919) % 251)).ToArray();
        var gzip = Gzip(Idx([10, 20, 20], pixels));
        var path = Write("half.gz", gzip[..(gzip.Length / 2)]);

        var error = Assert.Throws<AimcException>(() => IdxFile.ReadImages(path));

        Assert.Matches($"^{Regex.Escape(path)}: truncated: expected 4000 bytes of pixels, found [0-9]+$", error.Message);
    }

    [Fact]
    public void AMissingFileIsReportedByPath()
    {
        var path = Path.Combine(_directory, "absent-idx3-ubyte");

        var error = Assert.Throws<AimcException>(() => IdxFile.ReadImages(path));

        Assert.Equal($"{path}: not found", error.Message);
    }

    /// <summary>An unsigned-byte IDX file with the given dimensions and data.</summary>
    internal static byte[] Idx(int[] dimensions, byte[] data)
    {
        var bytes = new List<byte> { 0x00, 0x00, 0x08, (byte)dimensions.Length };
        foreach (var d in dimensions)
        {
            bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        }

        bytes.AddRange(data);
        return [.. bytes];
    }

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
