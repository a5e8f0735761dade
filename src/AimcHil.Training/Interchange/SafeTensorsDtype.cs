using System.Buffers.Binary;

namespace AimcHil.Training.Interchange;

/// <summary>The element types of the safetensors format: their byte sizes (to check a header's offsets) and, for the
/// floating-point ones a model can load, the conversion of their little-endian bytes to float32.</summary>
internal static class SafeTensorsDtype
{
    /// <summary>The dtypes whose values load into a model, converted to float32.</summary>
    public static readonly IReadOnlyList<string> Loadable = ["F32", "F64", "F16", "BF16"];

    // Every byte-sized dtype of the format's specification, so a file holding integer buffers is read and the buffers
    // can be named, instead of being refused as an unknown format.
    private static readonly Dictionary<string, int> Sizes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1, ["F8_E8M0"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8, ["C64"] = 8,
    };

    /// <summary>All dtype names, for a message about one that is not among them.</summary>
    public static string Known => string.Join(", ", Sizes.Keys);

    public static int? SizeOf(string dtype) => Sizes.TryGetValue(dtype, out var size) ? size : null;

    /// <summary>The values of <paramref name="bytes"/> as float32 (wider types rounded to nearest), or null when
    /// <paramref name="dtype"/> is not one of <see cref="Loadable"/>.</summary>
    public static float[]? ToSingle(string dtype, ReadOnlySpan<byte> bytes)
    {
        var size = SizeOf(dtype) ?? 1;
        var values = new float[bytes.Length / size];
        switch (dtype)
        {
            case "F32":
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                }

                break;
            case "F64":
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
                }

                break;
            case "F16":
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
                }

                break;
            case "BF16":
                // bfloat16 is the upper half of a float32, so widening is exact: shift the bits into place.
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                }

                break;
            default:
                return null;
        }

        return values;
    }
}
