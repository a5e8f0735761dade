namespace AimcHil.Training.Interchange;

/// <summary>The tensors of a state_dict file in the order the file lists them, with the file's string metadata
/// (safetensors' <c>__metadata__</c>; empty for .npz, which has none).</summary>
public sealed record StoredStateDict(string Source, IReadOnlyList<StoredTensor> Tensors, IReadOnlyDictionary<string, string> Metadata);
