using System.Runtime.CompilerServices;

namespace AimcHil.Numerics;

/// <summary>The one source of randomness in AimcHil: xoshiro256** seeded through SplitMix64, so a seed gives the
/// same stream on every machine and every .NET version (System.Random makes no such promise).</summary>
public sealed class SeededRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private double _spareGaussian;
    private bool _hasSpare;
    private NormalBlockGenerator? _bulk;

    public SeededRandom(ulong seed)
    {
        Seed = seed;
        var sm = seed;
        _s0 = SplitMix(ref sm);
        _s1 = SplitMix(ref sm);
        _s2 = SplitMix(ref sm);
        _s3 = SplitMix(ref sm);
    }

    public ulong Seed { get; }

    /// <summary>An independent stream for a named purpose, so adding draws in one place never shifts another.</summary>
    public static SeededRandom For(ulong seed, string purpose)
    {
        var h = 14695981039346656037UL;
        foreach (var ch in purpose)
        {
            h = (h ^ ch) * 1099511628211UL;
        }

        return new SeededRandom(seed ^ h);
    }

    /// <summary>An independent child stream for a purpose, derived from this stream's seed.</summary>
    public SeededRandom Fork(string purpose) => For(Seed, purpose);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, maxExclusive).</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)((NextUInt64() >> 33) * (ulong)maxExclusive >> 31);
    }

    /// <summary>Standard normal (Marsaglia polar method).</summary>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareGaussian;
        }

        double u, v, s;
        do
        {
            u = (2.0 * NextDouble()) - 1.0;
            v = (2.0 * NextDouble()) - 1.0;
            s = (u * u) + (v * v);
        }
        while (s >= 1.0 || s == 0.0);

        var f = Math.Sqrt(-2.0 * Math.Log(s) / s);
        _spareGaussian = v * f;
        _hasSpare = true;
        return u * f;
    }

    public void FillGaussian(Span<float> destination, float mean = 0f, float sigma = 1f)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = mean + (sigma * (float)NextGaussian());
        }
    }

    /// <summary>Fills with standard normals in bulk: the hot-path noise source of MVMs, about ten times faster than
    /// <see cref="FillGaussian"/>. Its samples come from a vectorized generator seeded once from this stream, so the
    /// result depends only on this stream's seed and the number of samples drawn in bulk so far.</summary>
    public void FillStandardNormal(Span<float> destination)
    {
        _bulk ??= new NormalBlockGenerator(NextUInt64());
        _bulk.Fill(destination);
    }

    /// <summary>Columns [first, first + count) of the next rows × stride bulk normals, row by row, the others skipped:
    /// <see cref="NormalBlockGenerator.FillColumns"/> on the stream of <see cref="FillStandardNormal"/>.</summary>
    public void FillStandardNormalColumns(Span<float> destination, int rows, int stride, int first, int count)
    {
        _bulk ??= new NormalBlockGenerator(NextUInt64());
        _bulk.FillColumns(destination, rows, stride, first, count);
    }

    public void FillUniform(Span<float> destination, float min, float max)
    {
        var span = max - min;
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = min + (span * (float)NextDouble());
        }
    }

    private static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
