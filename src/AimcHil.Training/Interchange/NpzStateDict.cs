using System.IO.Compression;
using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Interchange;

/// <summary>Reads and writes .npz state_dicts: a zip archive of one NAME.npy array per tensor, what
/// <c>np.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()})</c> makes and <c>np.load</c> reads.
/// Reads float16, float32 and float64 arrays (either byte order) as float32; writes float32.</summary>
public static class NpzStateDict
{
    public const string Extension = ".npz";

    private const string MemberExtension = ".npy";

    private static readonly HashSet<string> FloatingPointDtypes = new(["<f2", "<f4", "<f8"], StringComparer.Ordinal);

    // np.savez stamps each member with the current time, which no reader uses; a fixed stamp (the earliest a zip can
    // hold) makes the same weights give the same bytes.
    private static readonly DateTimeOffset Timestamp = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Reads and validates the whole archive; any damage is an <see cref="AimcException"/> of one line naming it.</summary>
    public static StoredStateDict Read(string path) => Decode(InterchangeFile.ReadAllBytes(path), path);

    /// <summary>The tensors of an archive's bytes, in the archive's order; <paramref name="source"/> names the file in messages.</summary>
    public static StoredStateDict Decode(byte[] file, string source)
    {
        try
        {
            using var archive = new ZipArchive(new MemoryStream(file, writable: false), ZipArchiveMode.Read);
            var tensors = new List<StoredTensor>(archive.Entries.Count);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in archive.Entries)
            {
                if (!entry.FullName.EndsWith(MemberExtension, StringComparison.Ordinal))
                {
                    throw new AimcException($"{source}: member '{entry.FullName}' is not a .npy array (np.savez writes one NAME.npy per tensor)");
                }

                var name = entry.FullName[..^MemberExtension.Length];
                if (!names.Add(name))
                {
                    throw new AimcException($"{source}: the archive holds '{entry.FullName}' twice");
                }

                var array = ReadMember(entry, $"{source}: {entry.FullName}");
                var values = FloatingPointDtypes.Contains(array.Dtype) ? array.ToSingle() : null;
                tensors.Add(new StoredTensor(name, array.Shape, array.Dtype, values));
            }

            return new StoredStateDict(source, tensors, new Dictionary<string, string>());
        }
        catch (InvalidDataException e)
        {
            throw new AimcException($"{source}: not a readable .npz (a zip archive of .npy files): {e.Message.ReplaceLineEndings(" ")}", e);
        }
        catch (NpyFormatException e)
        {
            // The .npy reader quotes a damaged header, which may hold line breaks.
            throw new AimcException(e.Message.ReplaceLineEndings(" "), e);
        }
    }

    /// <summary>The archive's bytes for <paramref name="parameters"/>, one float32 NAME.npy per parameter in PyTorch's
    /// shape, stored uncompressed as np.savez stores them.</summary>
    public static byte[] Encode(IReadOnlyList<Parameter> parameters)
    {
        StateDict.CheckUniqueNames(parameters);
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var parameter in parameters)
            {
                var entry = archive.CreateEntry(parameter.Name + MemberExtension, CompressionLevel.NoCompression);
                entry.LastWriteTime = Timestamp;
                using var stream = entry.Open();
                Npy.Write(stream, parameter.Value, [.. parameter.Shape]);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Writes <see cref="Encode"/>'s bytes to <paramref name="path"/> in one atomic rename.</summary>
    public static void Write(string path, IReadOnlyList<Parameter> parameters) => InterchangeFile.Replace(path, Encode(parameters));

    private static NpyArray ReadMember(ZipArchiveEntry entry, string source)
    {
        // Copied out with a bound, so a member whose compressed bytes expand past what it declares (damage, or a zip
        // bomb) is refused instead of filling memory; the copy is also what lets the .npy reader check its length.
        if (entry.Length > InterchangeFile.MaxBytes)
        {
            throw new AimcException($"{source}: declares {entry.Length} bytes, more than a state_dict of an AimcHil model can need");
        }

        var bytes = new byte[entry.Length];
        using (var stream = entry.Open())
        {
            var read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (read < bytes.Length || stream.ReadByte() >= 0)
            {
                throw new AimcException($"{source}: the member's data does not match the size the archive declares ({entry.Length} bytes): the archive is damaged");
            }
        }

        using var member = new MemoryStream(bytes, writable: false);
        var array = Npy.Read(member, source);
        if (member.Position != member.Length)
        {
            throw new AimcException($"{source}: {member.Length - member.Position} bytes follow the array (np.save writes none): the archive is damaged");
        }

        return array;
    }
}
