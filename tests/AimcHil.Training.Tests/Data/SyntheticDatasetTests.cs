using AimcHil.Training.Data;

namespace AimcHil.Training.Tests.Data;

public sealed class SyntheticDatasetTests
{
    [Fact]
    public void TheSameSeedGivesTheSameDataAndAnotherSeedDifferentData()
    {
        var a = SyntheticDataset.GaussianBlobs(200, 8, 4, seed: 11);
        var b = SyntheticDataset.GaussianBlobs(200, 8, 4, seed: 11);
        var c = SyntheticDataset.GaussianBlobs(200, 8, 4, seed: 12);

        Assert.Equal(a.Features.Data, b.Features.Data);
        Assert.Equal(a.Labels, b.Labels);
        Assert.NotEqual(a.Features.Data, c.Features.Data);
    }

    [Fact]
    public void ClassesAreBalancedInEveryPrefix()
    {
        var dataset = SyntheticDataset.GaussianBlobs(103, 5, 10, seed: 1);

        Assert.Equal(10, dataset.Classes);
        Assert.Equal(5, dataset.Features.Cols);
        var counts = dataset.Labels.CountBy(l => l).ToDictionary();
        Assert.Equal(10, counts.Count);
        Assert.All(counts.Values, n => Assert.InRange(n, 10, 11));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0], dataset.Labels[..11]);
    }

    [Fact]
    public void FeaturesLieInTheUnitInterval()
    {
        var dataset = SyntheticDataset.GaussianBlobs(500, 16, 3, seed: 5);

        Assert.All(dataset.Features.Data, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void TheFirstExamplesDoNotDependOnHowManyAreMade()
    {
        var small = SyntheticDataset.GaussianBlobs(10, 6, 3, seed: 9);
        var large = SyntheticDataset.GaussianBlobs(1000, 6, 3, seed: 9);

        Assert.Equal(small.Features.Data, large.Take(10).Features.Data);
    }

    [Theory]
    [InlineData(16, 4)]
    [InlineData(2, 3)]
    [InlineData(1, 5)]
    [InlineData(64, 10)]
    public void HeldOutExamplesAreClassifiedByNearestTrainingMean(int features, int classes)
    {
        // Nearest class mean is the Bayes rule for equal isotropic clusters, so its accuracy is what a small MLP
        // can reach; with separation 3 that is above 97% even for ten classes crowded into few features.
        var (train, test) = SyntheticDataset.GaussianBlobs(2000, features, classes, seed: 21).Split(1000);

        var means = new double[classes, features];
        foreach (var (i, label) in train.Labels.Index())
        {
            for (var j = 0; j < features; j++)
            {
                means[label, j] += train.Features[i, j] / (train.Count / (double)classes);
            }
        }

        var correct = 0;
        for (var i = 0; i < test.Count; i++)
        {
            var best = Enumerable.Range(0, classes).MinBy(c => Enumerable.Range(0, features)
                .Sum(j => Math.Pow(test.Features[i, j] - means[c, j], 2)));
            correct += best == test.Labels[i] ? 1 : 0;
        }

        Assert.True(correct >= 970, $"nearest-mean accuracy {correct / 10.0}% on {features} features, {classes} classes");
    }

    [Fact]
    public void NonsenseArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticDataset.GaussianBlobs(-1, 2, 2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticDataset.GaussianBlobs(10, 0, 2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticDataset.GaussianBlobs(10, 2, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticDataset.GaussianBlobs(10, 2, 2, 0, separation: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticDataset.GaussianBlobs(10, 2, 2, 0, double.NaN));
    }
}
