using AimcHil.Core;

namespace AimcHil.Training.Data;

/// <summary>Loads a folder laid out as MNIST and Fashion-MNIST are: train and t10k images and labels as IDX files.</summary>
public static class IdxDataset
{
    /// <summary>The four file names, without the optional .gz, shared by MNIST and Fashion-MNIST.</summary>
    public static readonly IReadOnlyList<string> FileNames =
    [
        TrainImages,
        TrainLabels,
        TestImages,
        TestLabels,
    ];

    private const string TrainImages = "train-images-idx3-ubyte";
    private const string TrainLabels = "train-labels-idx1-ubyte";
    private const string TestImages = "t10k-images-idx3-ubyte";
    private const string TestLabels = "t10k-labels-idx1-ubyte";

    /// <summary>Reads the training and test sets of an IDX folder; each file may be plain or end in .gz.</summary>
    /// <param name="installCommand">The command that installs the dataset, quoted in the error for a missing
    /// folder or file so the user can fix it in one step.</param>
    /// <param name="classes">The number of classes; null takes one more than the largest label of either set.</param>
    public static (Dataset Train, Dataset Test) LoadIdxDirectory(string directory, string installCommand, int? classes = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(installCommand);
        if (!Directory.Exists(directory))
        {
            throw NotFound(directory, installCommand);
        }

        // Every file is located before any is read, so a half-installed folder fails at once, not after a
        // 47 MB decode.
        var trainImages = Locate(directory, TrainImages, installCommand);
        var trainLabels = Locate(directory, TrainLabels, installCommand);
        var testImages = Locate(directory, TestImages, installCommand);
        var testLabels = Locate(directory, TestLabels, installCommand);

        var train = IdxFile.ReadDataset(trainImages, trainLabels, classes);
        var test = IdxFile.ReadDataset(testImages, testLabels, classes);
        if (train.Features.Cols != test.Features.Cols)
        {
            throw new AimcException(
                $"{trainImages} and {testImages}: training images have {train.Features.Cols} pixels, test images {test.Features.Cols}; both sets must come from one dataset");
        }

        if (classes is null && train.Classes != test.Classes)
        {
            var shared = Math.Max(train.Classes, test.Classes);
            train = train with { Classes = shared };
            test = test with { Classes = shared };
        }

        return (train, test);
    }

    private static string Locate(string directory, string name, string installCommand)
    {
        var plain = Path.Combine(directory, name);
        if (File.Exists(plain))
        {
            return plain;
        }

        var gzipped = plain + ".gz";
        return File.Exists(gzipped) ? gzipped : throw NotFound(gzipped, installCommand);
    }

    private static AimcException NotFound(string path, string installCommand) => new(
        $"{path}: not found; install the dataset with '{installCommand}' or point --data at a folder with the four IDX files");
}
