using System.Numerics.Tensors;
using AimcHil.Core;
using AimcHil.Training.Data;
using static AimcHil.Training.Tests.Data.IdxFileTests;

namespace AimcHil.Training.Tests.Data;

public sealed class IdxDatasetTests : IDisposable
{
    private const string Install = "sudo apt-get install dataset-tiny";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "aimchil-idxdir-" + Guid.NewGuid().ToString("N"));

    public IdxDatasetTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void AFolderOfFourFilesLoadsAsTrainingAndTestSetsWithOrWithoutGz()
    {
        WriteTinySet();

        var (train, test) = IdxDataset.LoadIdxDirectory(_directory, Install);

        Assert.Equal(3, train.Count);
        Assert.Equal(2, test.Count);
        Assert.Equal(4, train.Features.Cols);
        Assert.Equal(4, test.Features.Cols);
        Assert.Equal([0, 4, 2], train.Labels);
        Assert.Equal([1, 0], test.Labels);

        // Inferred from the largest label of either set, so both sets agree on the output width.
        Assert.Equal(5, train.Classes);
        Assert.Equal(5, test.Classes);
        Assert.Equal([1f, 0f, 0f, 0f], train.Features.Row(2).ToArray());
        Assert.Equal([0f, 0f, 0f, 1f], test.Features.Row(1).ToArray());
    }

    [Fact]
    public void AGivenClassCountIsUsedForBothSets()
    {
        WriteTinySet();

        var (train, test) = IdxDataset.LoadIdxDirectory(_directory, Install, classes: 10);

        Assert.Equal(10, train.Classes);
        Assert.Equal(10, test.Classes);
    }

    [Fact]
    public void AMissingFileNamesItsGzPathAndTheInstallCommand()
    {
        WriteTinySet();
        File.Delete(Path.Combine(_directory, "t10k-labels-idx1-ubyte"));
        var expectedPath = Path.Combine(_directory, "t10k-labels-idx1-ubyte.gz");

        var error = Assert.Throws<AimcException>(() => IdxDataset.LoadIdxDirectory(_directory, Install));

        Assert.Equal(
            $"{expectedPath}: not found; install the dataset with '{Install}' or point --data at a folder with the four IDX files",
            error.Message);
    }

    [Fact]
    public void AMissingFolderNamesItAndTheInstallCommand()
    {
        var absent = Path.Combine(_directory, "absent");

        var error = Assert.Throws<AimcException>(() => IdxDataset.LoadIdxDirectory(absent, Install));

        Assert.Equal(
            $"{absent}: not found; install the dataset with '{Install}' or point --data at a folder with the four IDX files",
            error.Message);
    }

    [Fact]
    public void FashionMnistFromAFolderWithoutTheFilesTellsHowToInstallIt()
    {
        var error = Assert.Throws<AimcException>(() => FashionMnist.Load(_directory));

        Assert.Equal(
            $"{Path.Combine(_directory, "train-images-idx3-ubyte.gz")}: not found; install the dataset with "
                + "'sudo apt-get install dataset-fashion-mnist' or point --data at a folder with the four IDX files",
            error.Message);
    }

    [Fact]
    public void FashionMnistFromTheSmallFolderTakesItsTenClasses()
    {
        WriteTinySet();

        var (train, _) = FashionMnist.Load(_directory);

        Assert.Equal(10, train.Classes);
        Assert.Equal(10, FashionMnist.ClassNames.Count);
        Assert.Equal("T-shirt/top", FashionMnist.ClassNames[0]);
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[9]);
    }

    // CI installs the package (tools/setup.sh), so this reads the real 60000 + 10000 images on every run.
    [Fact]
    public void InstalledFashionMnistHasItsPublishedShape()
    {
        var (train, test) = FashionMnist.Load();

        Assert.Equal(60000, train.Count);
        Assert.Equal(10000, test.Count);
        Assert.Equal(784, train.Features.Cols);
        Assert.Equal(784, test.Features.Cols);
        Assert.Equal(10, train.Classes);
        Assert.Equal(10, test.Classes);
        Assert.Equal(0f, TensorPrimitives.Min<float>(train.Features.Data));
        Assert.Equal(1f, TensorPrimitives.Max<float>(train.Features.Data));
        Assert.Equal(0f, TensorPrimitives.Min<float>(test.Features.Data));
        Assert.Equal(1f, TensorPrimitives.Max<float>(test.Features.Data));

        // The published sets are exactly balanced.
        Assert.All(train.Labels.CountBy(l => l), c => Assert.Equal(6000, c.Value));
        Assert.All(test.Labels.CountBy(l => l), c => Assert.Equal(1000, c.Value));
        Assert.Equal(10, train.Labels.Distinct().Count());
    }

    // Three 2×2 training images and two test images, half plain and half gzipped, to show either form is found.
    private void WriteTinySet()
    {
        Write("train-images-idx3-ubyte.gz", Gzip(Idx([3, 2, 2], [0, 0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0])));
        Write("train-labels-idx1-ubyte", Idx([3], [0, 4, 2]));
        Write("t10k-images-idx3-ubyte", Idx([2, 2, 2], [0, 255, 0, 0, 0, 0, 0, 255]));
        Write("t10k-labels-idx1-ubyte", Idx([2], [1, 0]));
    }

    private void Write(string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(_directory, name), bytes);
}
