using System.Buffers.Binary;
using System.Runtime.InteropServices;
using AimcHil.Core;
using AimcHil.Training.Layers;

namespace AimcHil.Training.Interchange;

/// <summary>Reads and writes .safetensors files, the format of <c>safetensors.torch.save_file</c>: an 8-byte
/// little-endian header length N, N bytes of UTF-8 JSON declaring each tensor's dtype, shape and byte range, then the
/// tensors' little-endian bytes, row-major. Reads F32, F64, F16 and BF16 as float32; writes F32.</summary>
public static class SafeTensors
{
    public const string Extension = ".safetensors";

    private const int LengthFieldBytes = sizeof(ulong);

    /// <summary>Reads and validates the whole file; any damage is an <see cref="AimcException"/> of one line naming it.</summary>
    public static StoredStateDict Read(string path) => Decode(InterchangeFile.ReadAllBytes(path), path);

    /// <summary>The tensors of a file's bytes; <paramref name="source"/> names the file in messages.</summary>
    public static StoredStateDict Decode(ReadOnlySpan<byte> file, string source)
    {
        if (file.Length < LengthFieldBytes)
        {
            throw new AimcException($"{source}: {file.Length} bytes, too short for a safetensors file (it starts with an 8-byte header length): empty or truncated");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        var afterLengthField = file.Length - LengthFieldBytes;
        if (headerLength > (ulong)afterLengthField)
        {
            throw new AimcException($"{source}: the header length field says {headerLength} bytes, past the end of the file ({file.Length} bytes): truncated, or not a safetensors file");
        }

        if (headerLength > SafeTensorsHeader.MaxBytes)
        {
            throw new AimcException($"{source}: a header of {headerLength} bytes, more than the format's {SafeTensorsHeader.MaxBytes}: not a safetensors file");
        }

        var headerEnd = LengthFieldBytes + (int)headerLength;
        var header = SafeTensorsHeader.Parse(file[LengthFieldBytes..headerEnd], file.Length - headerEnd, source);
        var data = file[headerEnd..];
        var tensors = new List<StoredTensor>(header.Entries.Count);
        foreach (var entry in header.Entries)
        {
            var bytes = data[(int)entry.Begin..(int)entry.End];
            tensors.Add(new StoredTensor(entry.Name, entry.Shape, entry.Dtype, SafeTensorsDtype.ToSingle(entry.Dtype, bytes)));
        }

        return new StoredStateDict(source, tensors, header.Metadata);
    }

    /// <summary>The file's bytes for <paramref name="parameters"/> as float32, in their order, keyed by
    /// <see cref="Parameter.Name"/> with <see cref="Parameter.Shape"/>: what <c>save_file(model.state_dict())</c> holds.</summary>
    public static byte[] Encode(IReadOnlyList<Parameter> parameters, IReadOnlyDictionary<string, string> metadata)
    {
        StateDict.CheckUniqueNames(parameters);
        var entries = new List<SafeTensorsHeader.Entry>(parameters.Count);
        long offset = 0;
        foreach (var parameter in parameters)
        {
            var bytes = (long)parameter.Length * sizeof(float);
            entries.Add(new SafeTensorsHeader.Entry(parameter.Name, "F32", parameter.Shape, offset, offset + bytes));
            offset += bytes;
        }

        var header = new SafeTensorsHeader(entries, metadata).ToBytes();
        var file = new byte[checked(LengthFieldBytes + header.Length + offset)];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, LengthFieldBytes);
        var position = LengthFieldBytes + header.Length;
        foreach (var parameter in parameters)
        {
            var target = file.AsSpan(position, parameter.Length * sizeof(float));
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.AsBytes(parameter.Value.AsSpan()).CopyTo(target);
            }
            else
            {
                for (var i = 0; i < parameter.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(target[(i * sizeof(float))..], parameter.Value[i]);
                }
            }

            position += parameter.Length * sizeof(float);
        }

        return file;
    }

    /// <summary>Writes <see cref="Encode"/>'s bytes to <paramref name="path"/> in one atomic rename.</summary>
    public static void Write(string path, IReadOnlyList<Parameter> parameters, IReadOnlyDictionary<string, string> metadata) =>
        InterchangeFile.Replace(path, Encode(parameters, metadata));
}
