using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace AimcHil.Numerics;

/// <summary>An array read from a .npy file: its shape, its dtype as NumPy spells it, and conversions of its
/// elements (C order) to the element types the rest of AimcHil computes with.</summary>
public sealed class NpyArray
{
    private readonly int[] _shape;
    private readonly byte[] _data;
    private readonly string? _sourceName;

    internal NpyArray(int[] shape, string dtype, byte[] data, int length, string? sourceName)
    {
        _shape = shape;
        Dtype = dtype;
        _data = data;
        Length = length;
        _sourceName = sourceName;
    }

    /// <summary>Dimensions, outermost first; a fresh copy on every call, so callers cannot corrupt the array.</summary>
    public int[] Shape => (int[])_shape.Clone();

    /// <summary>NumPy's descriptor, e.g. "&lt;f4" or "|u1".</summary>
    public string Dtype { get; }

    /// <summary>Number of elements (the product of <see cref="Shape"/>; 1 for a 0-d array).</summary>
    public int Length { get; }

    /// <summary>All elements as doubles; int64 values beyond 2^53 round to the nearest double.</summary>
    public double[] ToDouble() => Convert<double>();

    /// <summary>All elements as floats, rounded to nearest where the dtype is wider.</summary>
    public float[] ToSingle() => Convert<float>();

    /// <summary>All elements as ints; throws <see cref="NpyFormatException"/> naming the first element that is not
    /// an integer (fractional, NaN, infinite) or lies outside the Int32 range, instead of silently truncating.</summary>
    public int[] ToInt32()
    {
        switch (Dtype)
        {
            case "<f2":
                RequireInt32(Elements<Half>());
                break;
            case "<f4":
                RequireInt32(Elements<float>());
                break;
            case "<f8":
                RequireInt32(Elements<double>());
                break;
            case "<i8":
                RequireInt32(Elements<long>());
                break;
        }

        return Convert<int>();
    }

    private TOut[] Convert<TOut>()
        where TOut : unmanaged, INumberBase<TOut> => Dtype switch
        {
            "<f2" => Convert<Half, TOut>(),
            "<f4" => Convert<float, TOut>(),
            "<f8" => Convert<double, TOut>(),
            "<i2" => Convert<short, TOut>(),
            "<i4" => Convert<int, TOut>(),
            "<i8" => Convert<long, TOut>(),
            "|i1" => Convert<sbyte, TOut>(),
            "|u1" => Convert<byte, TOut>(),
            "<u2" => Convert<ushort, TOut>(),
            _ => throw new InvalidOperationException($"dtype '{Dtype}' passed the reader but has no conversion"),
        };

    private TOut[] Convert<TIn, TOut>()
        where TIn : unmanaged, INumberBase<TIn>
        where TOut : unmanaged, INumberBase<TOut>
    {
        var result = new TOut[Length];
        TensorPrimitives.ConvertTruncating<TIn, TOut>(Elements<TIn>(), result);
        return result;
    }

    private ReadOnlySpan<T> Elements<T>()
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(_data);

    private void RequireInt32<T>(ReadOnlySpan<T> values)
        where T : unmanaged, INumberBase<T>
    {
        for (var i = 0; i < values.Length; i++)
        {
            // Exact for every value inside the int range, which is all that must pass.
            var value = double.CreateTruncating(values[i]);
            string? problem = null;
            if (double.IsNaN(value) || double.IsInfinity(value) || Math.Floor(value) != value)
            {
                problem = "not an integer";
            }
            else if (value < int.MinValue || value > int.MaxValue)
            {
                problem = "outside the Int32 range";
            }

            if (problem is not null)
            {
                var shown = string.Create(CultureInfo.InvariantCulture, $"{values[i]}");
                throw new NpyFormatException(
                    _sourceName,
                    $"element {IndexText(i)} is {shown}, {problem}; cannot convert dtype '{Dtype}' to int");
            }
        }
    }

    private string IndexText(int flat)
    {
        var index = new int[_shape.Length];
        for (var d = _shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % _shape[d];
            flat /= _shape[d];
        }

        return "[" + string.Join(", ", index) + "]";
    }
}
