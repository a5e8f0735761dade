using AimcHil.Core;
using AimcHil.Numerics;

namespace AimcHil.Training.Data;

/// <summary>Cuts datasets into the pieces training needs: smaller sets, validation splits, shuffled mini-batches.</summary>
public static class DatasetSlicing
{
    /// <summary>A copy of the first <paramref name="count"/> examples, e.g. a quick run on part of the data.</summary>
    public static Dataset Take(this Dataset dataset, int count)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckCount(dataset, count);
        return Range(dataset, 0, count);
    }

    /// <summary>A copy of the examples at <paramref name="indices"/>, in that order (repeats allowed).</summary>
    public static Dataset Subset(this Dataset dataset, int[] indices)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(indices);
        var (features, labels) = Gather(dataset, indices);
        return new Dataset(features, labels, dataset.Classes);
    }

    /// <summary>The first <paramref name="firstCount"/> examples and the rest, e.g. a validation set held out of
    /// the training set; both are copies.</summary>
    public static (Dataset First, Dataset Remainder) Split(this Dataset dataset, int firstCount)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckCount(dataset, firstCount);
        return (Range(dataset, 0, firstCount), Range(dataset, firstCount, dataset.Count - firstCount));
    }

    /// <summary>A uniformly random order of 0 … count−1 (Fisher–Yates); the same for the same stream state.</summary>
    public static int[] Permutation(int count, SeededRandom rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(rng);
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        for (var i = count - 1; i > 0; i--)
        {
            var j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    /// <summary>Mini-batches of the examples at <paramref name="order"/>, taken in that order; the last batch holds
    /// what is left and may be smaller. Each batch is a fresh copy the caller may keep.</summary>
    public static IEnumerable<(Grid<float> X, int[] Y)> Batches(this Dataset dataset, int batchSize, int[] order)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(order);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);

        // Checked here rather than in the iterator, so a bad order fails at the call, not at some later batch.
        foreach (var index in order)
        {
            CheckIndex(dataset, index);
        }

        return EnumerateBatches(dataset, batchSize, order);
    }

    private static IEnumerable<(Grid<float> X, int[] Y)> EnumerateBatches(Dataset dataset, int batchSize, int[] order)
    {
        for (var start = 0; start < order.Length; start += batchSize)
        {
            var batch = Gather(dataset, order.AsSpan(start, Math.Min(batchSize, order.Length - start)));
            yield return batch;
        }
    }

    private static (Grid<float> Features, int[] Labels) Gather(Dataset dataset, ReadOnlySpan<int> indices)
    {
        var features = new Grid<float>(indices.Length, dataset.Features.Cols);
        var labels = new int[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            var index = indices[i];
            CheckIndex(dataset, index);
            dataset.Features.Row(index).CopyTo(features.Row(i));
            labels[i] = dataset.Labels[index];
        }

        return (features, labels);
    }

    private static Dataset Range(Dataset dataset, int start, int count)
    {
        var cols = dataset.Features.Cols;
        var features = dataset.Features.Data.AsSpan(start * cols, count * cols).ToArray();
        var labels = dataset.Labels.AsSpan(start, count).ToArray();
        return new Dataset(new Grid<float>(count, cols, features), labels, dataset.Classes);
    }

    // Asking for more examples than a dataset has is a user's mistake (e.g. --train-count 70000 on Fashion-MNIST),
    // so it gets a message the CLI can print; a negative count is a caller's bug.
    private static void CheckCount(Dataset dataset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > dataset.Count)
        {
            throw new AimcException($"asked for {count} examples, but the dataset has only {dataset.Count}");
        }
    }

    private static void CheckIndex(Dataset dataset, int index)
    {
        if ((uint)index >= (uint)dataset.Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(index), index, $"example index outside the dataset of {dataset.Count} examples");
        }
    }
}
