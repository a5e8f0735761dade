namespace AimcHil.Training.Data;

/// <summary>Fashion-MNIST (Zalando's 28×28 grey clothing images, 10 classes): the benchmark the training runs use.</summary>
public static class FashionMnist
{
    /// <summary>Where the Debian package dataset-fashion-mnist installs the four IDX files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    public const string InstallCommand = "sudo apt-get install dataset-fashion-mnist";

    /// <summary>The class names in label order: label k is ClassNames[k].</summary>
    public static readonly IReadOnlyList<string> ClassNames =
    [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ];

    /// <summary>Reads the 60000 training and 10000 test images, 784 pixels each in [0, 1].</summary>
    /// <param name="directory">A folder with the four IDX files (plain or .gz); null for <see cref="DefaultDirectory"/>.</param>
    public static (Dataset Train, Dataset Test) Load(string? directory = null) =>
        IdxDataset.LoadIdxDirectory(
            string.IsNullOrWhiteSpace(directory) ? DefaultDirectory : directory,
            InstallCommand,
            ClassNames.Count);
}
