using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Data;

namespace AimcHil.Training.Tests.Data;

public sealed class DatasetSlicingTests
{
    [Fact]
    public void TakeCopiesTheFirstExamples()
    {
        var dataset = Numbered(5);

        var first = dataset.Take(2);

        Assert.Equal([0, 1], first.Labels);
        Assert.Equal([0f, 0.5f, 1f, 1.5f], first.Features.Data);
        Assert.Equal(dataset.Classes, first.Classes);
        first.Features[0, 0] = 99f;
        Assert.Equal(0f, dataset.Features[0, 0]);
    }

    [Fact]
    public void AskingForMoreExamplesThanThereAreIsAUserError()
    {
        var dataset = Numbered(5);

        var take = Assert.Throws<AimcException>(() => dataset.Take(6));
        var split = Assert.Throws<AimcException>(() => dataset.Split(6));

        Assert.Equal("asked for 6 examples, but the dataset has only 5", take.Message);
        Assert.Equal(take.Message, split.Message);
    }

    [Fact]
    public void SubsetFollowsTheIndicesInOrder()
    {
        var subset = Numbered(5).Subset([4, 1, 4]);

        Assert.Equal([1, 1, 1], subset.Labels);
        Assert.Equal([4f, 4.5f, 1f, 1.5f, 4f, 4.5f], subset.Features.Data);
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(5).Subset([5]));
    }

    [Fact]
    public void SplitGivesTheFirstExamplesAndTheRemainder()
    {
        var (first, remainder) = Numbered(5).Split(2);

        Assert.Equal([0, 1], first.Labels);
        Assert.Equal([2, 0, 1], remainder.Labels);
        Assert.Equal([2f, 2.5f, 3f, 3.5f, 4f, 4.5f], remainder.Features.Data);

        var (none, all) = Numbered(5).Split(0);
        Assert.Equal(0, none.Count);
        Assert.Equal(5, all.Count);
    }

    [Fact]
    public void PermutationIsAPermutationAndTheSameForTheSameSeed()
    {
        var a = DatasetSlicing.Permutation(1000, new SeededRandom(42));
        var b = DatasetSlicing.Permutation(1000, new SeededRandom(42));
        var c = DatasetSlicing.Permutation(1000, new SeededRandom(43));

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(Enumerable.Range(0, 1000), a.Order());
        Assert.NotEqual(Enumerable.Range(0, 1000), a);
        Assert.Empty(DatasetSlicing.Permutation(0, new SeededRandom(1)));
        Assert.Equal([0], DatasetSlicing.Permutation(1, new SeededRandom(1)));
    }

    [Fact]
    public void PermutationDrawsEveryOrderOfThreeAboutEquallyOften()
    {
        // Catches the classic Fisher–Yates slips: drawing j below i (only cyclic orders) or over the whole range
        // (biased counts).
        var rng = new SeededRandom(7);
        var counts = new Dictionary<string, int>();
        for (var draw = 0; draw < 6000; draw++)
        {
            var key = string.Join(",", DatasetSlicing.Permutation(3, rng));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        Assert.Equal(6, counts.Count);
        Assert.All(counts.Values, n => Assert.InRange(n, 850, 1150));
    }

    [Fact]
    public void BatchesCoverEveryExampleOnceInTheGivenOrder()
    {
        var dataset = Numbered(10);
        var order = DatasetSlicing.Permutation(10, new SeededRandom(3));

        var batches = dataset.Batches(4, order).ToList();

        Assert.Equal([4, 4, 2], batches.Select(b => b.Y.Length));
        var seen = new List<int>();
        foreach (var (x, y) in batches)
        {
            Assert.Equal(y.Length, x.Rows);
            for (var r = 0; r < x.Rows; r++)
            {
                var index = (int)x[r, 0];
                Assert.Equal(dataset.Features.Row(index).ToArray(), x.Row(r).ToArray());
                Assert.Equal(dataset.Labels[index], y[r]);
                seen.Add(index);
            }
        }

        Assert.Equal(order, seen);
    }

    [Fact]
    public void BatchesAreCopies()
    {
        var dataset = Numbered(3);

        var (x, y) = dataset.Batches(3, [0, 1, 2]).Single();
        x[0, 0] = 99f;
        y[0] = 99;

        Assert.Equal(0f, dataset.Features[0, 0]);
        Assert.Equal(0, dataset.Labels[0]);
    }

    [Fact]
    public void BadBatchArgumentsFailAtTheCall()
    {
        var dataset = Numbered(3);

        Assert.Throws<ArgumentOutOfRangeException>(() => dataset.Batches(0, [0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => dataset.Batches(2, [0, 3]));
        Assert.Empty(dataset.Batches(2, []));
    }

    // Example i has features (i, i + 0.5) and label i mod 3, so any copy shows where it came from.
    private static Dataset Numbered(int count)
    {
        var features = new Grid<float>(count, 2);
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            features[i, 0] = i;
            features[i, 1] = i + 0.5f;
            labels[i] = i % 3;
        }

        return new Dataset(features, labels, 3);
    }
}
