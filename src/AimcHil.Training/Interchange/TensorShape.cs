namespace AimcHil.Training.Interchange;

/// <summary>Shapes as the interchange formats and their messages spell them.</summary>
internal static class TensorShape
{
    /// <summary>"[256, 784]", the spelling of torch.Size and of a safetensors header.</summary>
    public static string Text(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>The number of elements, or null past <see cref="Array.MaxLength"/>: no array can hold such a tensor.</summary>
    public static long? ElementCount(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (var dimension in shape)
        {
            count *= dimension;
            if (count > Array.MaxLength)
            {
                return null;
            }
        }

        return count;
    }
}
