using AimcHil.Training.Layers;

namespace AimcHil.Training.Interchange;

/// <summary>The one-line account of why a state_dict file does not fit a model: what the model expects, what the file
/// has, and which names are missing, of the wrong shape, not floating-point, or unknown to the model.</summary>
internal static class StateDictMismatch
{
    // Lists longer than this show their first ShownOfLong items and a count, so a message stays one readable line.
    private const int MaxListed = 8;
    private const int ShownOfLong = 6;

    private static readonly HashSet<string> BatchNormBuffers = new(["running_mean", "running_var", "num_batches_tracked"], StringComparer.Ordinal);

    /// <summary>The message, or null when every parameter has a floating-point tensor of its shape and the file nothing else.</summary>
    public static string? Describe(StoredStateDict file, IReadOnlyList<Parameter> model)
    {
        var stored = file.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var names = model.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var missing = model.Where(p => !stored.ContainsKey(p.Name)).Select(p => p.Name).ToList();
        var matched = model.Where(p => stored.ContainsKey(p.Name)).Select(p => (Parameter: p, Tensor: stored[p.Name])).ToList();
        var wrongShape = matched.Where(m => !m.Tensor.Shape.SequenceEqual(m.Parameter.Shape))
            .Select(m => $"{m.Parameter.Name} is {m.Tensor.ShapeText} (the model's {TensorShape.Text(m.Parameter.Shape)})").ToList();
        var notFloatingPoint = matched.Where(m => m.Tensor.Shape.SequenceEqual(m.Parameter.Shape) && m.Tensor.Values is null)
            .Select(m => $"{m.Parameter.Name} ({m.Tensor.Dtype})").ToList();
        var unknown = file.Tensors.Where(t => !names.Contains(t.Name)).Select(t => t.Name).ToList();

        var problems = new List<string>();
        if (missing.Count > 0)
        {
            problems.Add($"missing {List(missing)}");
        }

        if (wrongShape.Count > 0)
        {
            problems.Add($"wrong shape: {List(wrongShape)}");
        }

        if (notFloatingPoint.Count > 0)
        {
            problems.Add($"not floating-point: {List(notFloatingPoint)}");
        }

        if (unknown.Count > 0)
        {
            problems.Add($"not parameters of the model: {List(unknown)} ({WhyUnknownNamesAreRefused(unknown)})");
        }

        if (problems.Count == 0)
        {
            return null;
        }

        var expected = List(model.Select(p => $"{p.Name} {TensorShape.Text(p.Shape)}").ToList());
        var has = file.Tensors.Count == 0 ? "no tensors" : List(file.Tensors.Select(t => $"{t.Name} {t.ShapeText}").ToList());
        return $"{file.Source}: expected {expected}; the file has {has}; {string.Join("; ", problems)}; nothing was loaded";
    }

    /// <summary>A state_dict also holds buffers, which a model without their layers cannot take: the user must learn
    /// they were not loaded, and how to fix the commonest ways a file gets names the model does not have.</summary>
    private static string WhyUnknownNamesAreRefused(List<string> unknown)
    {
        if (unknown.Any(name => BatchNormBuffers.Contains(name[(name.LastIndexOf('.') + 1)..])))
        {
            return "refused, not skipped: the running statistics of a BatchNorm layer, which this model does not have, would be lost unseen";
        }

        return unknown.All(name => name.StartsWith("arr_", StringComparison.Ordinal) && int.TryParse(name.AsSpan(4), out _))
            ? "np.savez was given arrays without their names: save with np.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()})"
            : "refused, not skipped: a state_dict must hold exactly the model's parameters";
    }

    private static string List(List<string> items) =>
        items.Count <= MaxListed
            ? string.Join(", ", items)
            : $"{string.Join(", ", items.Take(ShownOfLong))}, … ({items.Count - ShownOfLong} more)";
}
