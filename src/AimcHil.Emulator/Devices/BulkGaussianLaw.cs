using System.Runtime.Intrinsics;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Devices;

/// <summary>Applies an <see cref="IGaussianLaw"/> to a whole device array with normals drawn in bulk: the per-device
/// draw (polar method, a logarithm and a square root each) is what makes a per-device loop slow.</summary>
internal static class BulkGaussianLaw
{
    // Small enough for the stack, large enough that the bulk generator runs in full blocks.
    private const int ChunkLength = 512;

    /// <remarks>The law is a struct type parameter so the JIT specializes and inlines it; <paramref name="results"/>
    /// may be <paramref name="targets"/> itself because each group of targets is read before it is overwritten.</remarks>
    public static void Apply<TLaw>(TLaw law, ReadOnlySpan<float> targets, Span<float> results, SeededRandom rng)
        where TLaw : struct, IGaussianLaw
    {
        var width = Vector256<float>.Count;
        Span<float> normals = stackalloc float[ChunkLength];
        for (var start = 0; start < targets.Length; start += ChunkLength)
        {
            var length = Math.Min(ChunkLength, targets.Length - start);
            var xi = normals[..length];
            rng.FillStandardNormal(xi);
            var target = targets.Slice(start, length);
            var result = results.Slice(start, length);
            var i = 0;
            for (; i <= length - width; i += width)
            {
                law.Apply(Vector256.Create(target[i..]), Vector256.Create(xi[i..])).CopyTo(result[i..]);
            }

            for (; i < length; i++)
            {
                result[i] = law.Apply(target[i], xi[i]);
            }
        }
    }

    /// <summary>The vector form of a law that has no vector arithmetic (it needs a logarithm, say): lane by lane.</summary>
    public static Vector256<float> ByLane<TLaw>(TLaw law, Vector256<float> targets, Vector256<float> standardNormals)
        where TLaw : struct, IGaussianLaw
    {
        var result = Vector256<float>.Zero;
        for (var lane = 0; lane < Vector256<float>.Count; lane++)
        {
            result = result.WithElement(lane, law.Apply(targets.GetElement(lane), standardNormals.GetElement(lane)));
        }

        return result;
    }
}
