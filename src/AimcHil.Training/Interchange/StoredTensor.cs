namespace AimcHil.Training.Interchange;

/// <summary>One tensor of a state_dict file: its key, its PyTorch shape, the dtype the file stores it in, and its values
/// as float32 (row-major, as PyTorch lays them out), or null for a dtype that is not floating-point.</summary>
/// <remarks>A non-floating-point tensor (BatchNorm's int64 num_batches_tracked, say) is still listed rather than
/// refused when the file is read, so a mismatch with a model can name it with everything else that does not fit.</remarks>
public sealed record StoredTensor(string Name, IReadOnlyList<int> Shape, string Dtype, float[]? Values)
{
    /// <summary>The shape as PyTorch's torch.Size prints its list: "[256, 784]", "[]" for a scalar.</summary>
    public string ShapeText => TensorShape.Text(Shape);
}
