namespace AimcHil.Training.Interchange;

/// <summary>The files a model's parameters load from: PyTorch's two portable state_dict formats, and AimcHil's own checkpoint.</summary>
public enum StateDictFormat
{
    /// <summary>.safetensors, as <c>safetensors.torch.save_file</c> writes it.</summary>
    SafeTensors,

    /// <summary>.npz, as <c>np.savez</c> writes a dict of arrays.</summary>
    Npz,

    /// <summary>An AimcHil model.bin (<see cref="Layers.ModelState"/>); it keys values by name but holds no PyTorch shapes.</summary>
    ModelBin,
}
