using AimcHil.Core;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Interchange;

/// <summary>PyTorch state_dict interchange for a model's parameters: loads a .safetensors, an .npz or an AimcHil
/// model.bin into them by name, all or nothing, and saves them as .safetensors or .npz with PyTorch's names and shapes.</summary>
public static class StateDict
{
    /// <summary>What a PyTorch user is told to do instead, where a file is not one of the formats read here.</summary>
    public const string HowToSave =
        "from PyTorch save with safetensors.torch.save_file(model.state_dict(), 'model.safetensors') or "
        + "np.savez('model.npz', **{k: v.numpy() for k, v in model.state_dict().items()})";

    private static readonly byte[] ModelBinMagic = "AIMCMODL"u8.ToArray();

    /// <summary>The format of <paramref name="path"/>, by its extension (.safetensors, .npz); any other file must be an
    /// AimcHil model.bin (named .bin, or starting with its magic bytes).</summary>
    /// <exception cref="AimcException">The file is missing, or is none of these: the message says what to give instead
    /// (a PyTorch pickle from torch.save is named as such: it is not read, as unpickling can run code).</exception>
    public static StateDictFormat FormatOf(string path)
    {
        var extension = Path.GetExtension(path);
        if (extension.Equals(SafeTensors.Extension, StringComparison.OrdinalIgnoreCase))
        {
            return StateDictFormat.SafeTensors;
        }

        if (extension.Equals(NpzStateDict.Extension, StringComparison.OrdinalIgnoreCase))
        {
            return StateDictFormat.Npz;
        }

        var start = InterchangeFile.FirstBytes(path, ModelBinMagic.Length);
        if (start.AsSpan().SequenceEqual(ModelBinMagic))
        {
            return StateDictFormat.ModelBin;
        }

        // torch.save writes a zip (PyTorch ≥ 1.6) or a bare pickle (protocol 2+ starts with 0x80).
        if (start is [(byte)'P', (byte)'K', 3, 4, ..] or [0x80, ..])
        {
            throw new AimcException($"{path}: a PyTorch pickle (torch.save), which AimcHil does not read (unpickling can run code): {HowToSave}");
        }

        if (extension.Equals(".bin", StringComparison.OrdinalIgnoreCase))
        {
            // An AimcHil checkpoint by its name: its own reader says what is wrong with it.
            return StateDictFormat.ModelBin;
        }

        throw new AimcException($"{path}: not a file AimcHil reads weights from: give a .safetensors or .npz state_dict or a run's model.bin ({HowToSave})");
    }

    /// <summary>The tensors of a .safetensors or .npz file, validated (a model.bin holds no PyTorch shapes: it is only
    /// loaded into a model, with <see cref="Load"/>).</summary>
    public static StoredStateDict Read(string path) => FormatOf(path) switch
    {
        StateDictFormat.SafeTensors => SafeTensors.Read(path),
        StateDictFormat.Npz => NpzStateDict.Read(path),
        _ => throw new AimcException($"{path}: an AimcHil model.bin, not a PyTorch state_dict; export it with aimc export RUN --safetensors"),
    };

    /// <summary>Copies the tensors of <paramref name="path"/> into <paramref name="parameters"/>. The file must hold
    /// exactly these names, each with the parameter's shape and a floating-point dtype; otherwise nothing changes and
    /// one <see cref="AimcException"/> line says what was expected and what the file has.</summary>
    public static void Load(string path, IReadOnlyList<Parameter> parameters)
    {
        if (FormatOf(path) == StateDictFormat.ModelBin)
        {
            ModelState.Load(path, parameters);
            return;
        }

        Assign(Read(path), parameters);
    }

    /// <summary>Copies <paramref name="stored"/> into <paramref name="parameters"/>, all or nothing, as <see cref="Load"/>.</summary>
    public static void Assign(StoredStateDict stored, IReadOnlyList<Parameter> parameters)
    {
        // A square kernel saved by TensorFlow or Flax has the right shape and the transposed meaning: refuse it by the
        // framework safetensors records, since no shape check can.
        if (stored.Metadata.TryGetValue("format", out var framework) && framework is "tf" or "flax")
        {
            throw new AimcException($"{stored.Source}: saved from {(framework == "tf" ? "TensorFlow" : "Flax")} (safetensors format '{framework}'), whose dense kernels are [in, out] where PyTorch's Linear weights are [out, in]; {HowToSave}");
        }

        if (StateDictMismatch.Describe(stored, parameters) is { } mismatch)
        {
            throw new AimcException(mismatch);
        }

        var values = stored.Tensors.ToDictionary(t => t.Name, t => t.Values!, StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            values[parameter.Name].CopyTo(parameter.Value, 0);
        }
    }

    /// <summary>Writes <paramref name="parameters"/> as float32 to a .safetensors (with <see cref="Metadata"/>) or an
    /// .npz file, by the extension of <paramref name="path"/>, replacing it in one atomic rename.</summary>
    /// <param name="producer">What wrote the file, e.g. "aimc 1.4.0", recorded in the safetensors metadata.</param>
    public static void Save(string path, IReadOnlyList<Parameter> parameters, string producer)
    {
        var extension = Path.GetExtension(path);
        if (extension.Equals(SafeTensors.Extension, StringComparison.OrdinalIgnoreCase))
        {
            SafeTensors.Write(path, parameters, Metadata(producer));
        }
        else if (extension.Equals(NpzStateDict.Extension, StringComparison.OrdinalIgnoreCase))
        {
            NpzStateDict.Write(path, parameters);
        }
        else
        {
            throw new AimcException($"{path}: a state_dict is written as .safetensors or .npz; name the file with one of these extensions");
        }
    }

    /// <summary>The safetensors metadata of a saved file: "format": "pt", as safetensors.torch writes it (so loaders
    /// take the tensors as PyTorch's), and "producer".</summary>
    public static IReadOnlyDictionary<string, string> Metadata(string producer) =>
        new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt", ["producer"] = producer };

    /// <summary>Refuses two parameters of one name, which a state_dict cannot hold (both formats key tensors by name).</summary>
    internal static void CheckUniqueNames(IReadOnlyList<Parameter> parameters)
    {
        var duplicate = parameters.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"two parameters are named '{duplicate.Key}'; a state_dict keys tensors by name", nameof(parameters));
        }
    }
}
