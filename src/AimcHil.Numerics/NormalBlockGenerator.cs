using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

// The accuracy tests compare the vector transform with a double-precision reference on the same uniforms, which must
// stay internal so the reference never becomes something callers depend on.
[assembly: InternalsVisibleTo("AimcHil.Numerics.Tests")]

namespace AimcHil.Numerics;

/// <summary>Fast bulk source of i.i.d. standard normal floats (vectorized Box–Muller over four xoshiro256** lanes),
/// bit-identical for a seed on every x64/arm64 machine; samples are bounded by |z| ≤ sqrt(48 ln 2) ≈ 5.77.</summary>
/// <remarks>
/// The stream is a sequence of blocks of <see cref="BlockLength"/> samples; <see cref="Fill"/> hands out that
/// sequence in order, keeping the unused rest of a partial block for the next call, so the output depends only on
/// the seed and the total count drawn so far, never on how the draws were split into calls.
/// Determinism rests on using only fixed-width <see cref="Vector256{T}"/> operations whose results IEEE 754 pins
/// down exactly (add, multiply, divide, square root, integer and bitwise operations), never fused multiply-add or
/// hardware-width <c>Vector&lt;T&gt;</c>, and on little-endian lane order, which every .NET x64/arm64 target has.
/// Uniforms have 24 bits: u1 = (k + 1)/2^24 is never 0, so the radius sqrt(−2 ln u1) is at most
/// sqrt(48 ln 2) ≈ 5.77 and the distribution is truncated there (mass beyond it ~8e-9); for read-noise emulation
/// that is far below anything a finite run can resolve. Not thread-safe.
/// </remarks>
public sealed class NormalBlockGenerator
{
    /// <summary>Samples produced per step: 8 radii times cosine and sine. Filling multiples of it from a fresh
    /// generator never touches the carry-over buffer.</summary>
    public const int BlockLength = 16;

    // Separates this generator's lanes from a SeededRandom built on the same seed, whose first lane would otherwise
    // replay exactly the SeededRandom stream and correlate the noise with whatever else that stream drives.
    private const ulong DomainSeparator = 0x4E726D426C6F636BUL;

    private const float TwoToMinus24 = 1f / (1 << 24);

    // Cody–Waite split of ln 2: e·Ln2High is exact for the |e| ≤ 25 that occur, so only the tiny low part rounds.
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;

    private const int SqrtHalfBits = 0x3F3504F3;

    private readonly float[] _carry = new float[BlockLength];
    private Vector256<ulong> _s0;
    private Vector256<ulong> _s1;
    private Vector256<ulong> _s2;
    private Vector256<ulong> _s3;
    private int _carryIndex = BlockLength;

    public NormalBlockGenerator(ulong seed)
    {
        Seed = seed;
        Span<ulong> state = stackalloc ulong[16];
        SeedLanes(seed, state);
        _s0 = Vector256.Create(state[0], state[4], state[8], state[12]);
        _s1 = Vector256.Create(state[1], state[5], state[9], state[13]);
        _s2 = Vector256.Create(state[2], state[6], state[10], state[14]);
        _s3 = Vector256.Create(state[3], state[7], state[11], state[15]);
    }

    public ulong Seed { get; }

    /// <summary>Writes the next <paramref name="destination"/>.Length samples of the stream.</summary>
    public void Fill(Span<float> destination)
    {
        var length = destination.Length;
        var written = Math.Min(BlockLength - _carryIndex, length);
        if (written > 0)
        {
            _carry.AsSpan(_carryIndex, written).CopyTo(destination);
            _carryIndex += written;
        }

        if (written == length)
        {
            return;
        }

        // Locals rather than fields so the JIT keeps the lane state in registers across the loop.
        var s0 = _s0;
        var s1 = _s1;
        var s2 = _s2;
        var s3 = _s3;
        ref var target = ref MemoryMarshal.GetReference(destination);
        while (length - written >= BlockLength)
        {
            var first = Step(ref s0, ref s1, ref s2, ref s3);
            var second = Step(ref s0, ref s1, ref s2, ref s3);
            Transform(
                (first.AsUInt32() >>> 8).AsInt32(),
                (second.AsUInt32() >>> 8).AsInt32(),
                out var cosine,
                out var sine);
            cosine.StoreUnsafe(ref target, (nuint)written);
            sine.StoreUnsafe(ref target, (nuint)(written + 8));
            written += BlockLength;
        }

        if (written < length)
        {
            var first = Step(ref s0, ref s1, ref s2, ref s3);
            var second = Step(ref s0, ref s1, ref s2, ref s3);
            Transform(
                (first.AsUInt32() >>> 8).AsInt32(),
                (second.AsUInt32() >>> 8).AsInt32(),
                out var cosine,
                out var sine);
            ref var carry = ref MemoryMarshal.GetArrayDataReference(_carry);
            cosine.StoreUnsafe(ref carry);
            sine.StoreUnsafe(ref carry, 8);
            _carryIndex = length - written;
            _carry.AsSpan(0, _carryIndex).CopyTo(destination[written..]);
        }

        _s0 = s0;
        _s1 = s1;
        _s2 = s2;
        _s3 = s3;
    }

    /// <summary>Box–Muller on 24-bit integer uniforms: u1 = (k1 + 1)/2^24, θ = 2π·k2/2^24; cosine gets r·cos θ,
    /// sine gets r·sin θ with r = sqrt(−2 ln u1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transform(
        Vector256<int> k1,
        Vector256<int> k2,
        out Vector256<float> cosine,
        out Vector256<float> sine)
    {
        var radius = Vector256.Sqrt(MinusTwoLog(Vector256.ConvertToSingle(k1 + Vector256<int>.One) * TwoToMinus24));

        // The quadrant comes from the integer uniform, so range reduction is exact and the polynomials only ever
        // see |φ| ≤ π/4. For θ = qπ/2 + φ: even q gives (sin, cos) = ±(sin φ, cos φ), odd q gives ±(cos φ, −sin φ),
        // the common sign being bit 1 of q; odd q negates φ (its sign bit is q's bit 0 shifted up) so that −sin φ
        // comes out of the same polynomial, and both signs are exact sign-bit flips.
        var quadrant = (k2 + Vector256.Create(1 << 21)) >> 22;
        var residual = k2 - (quadrant << 22);
        var oddBit = quadrant << 31;
        var phi = (Vector256.ConvertToSingle(residual) * (2f * MathF.PI * TwoToMinus24)) ^ oddBit.AsSingle();
        radius ^= ((quadrant << 30) & Vector256.Create(int.MinValue)).AsSingle();
        var phi2 = phi * phi;

        // Near-minimax fits on [−π/4, π/4]: the truncation errors (2e-9 for sine, 1e-10 for cosine) sit below float
        // rounding, so the result is as good as the longer Taylor series at two terms fewer.
        var sinPhi = phi + (phi * phi2 * (Vector256.Create(-0.16666651f)
            + (phi2 * (Vector256.Create(0.008331979f) + (phi2 * -0.00019495636f)))));
        var cosPhi = Vector256<float>.One + (phi2 * (Vector256.Create(-0.5f)
            + (phi2 * (Vector256.Create(0.041666646f)
            + (phi2 * (Vector256.Create(-0.0013887368f) + (phi2 * 2.4438452E-05f)))))));
        var odd = Vector256.LessThan(oddBit, Vector256<int>.Zero).AsSingle();
        sine = radius * Vector256.ConditionalSelect(odd, cosPhi, sinPhi);
        cosine = radius * Vector256.ConditionalSelect(odd, sinPhi, cosPhi);
    }

    /// <summary>The double-precision Box–Muller sample for the same integer uniforms as <see cref="Transform"/>.</summary>
    internal static double ReferenceSample(uint k1, uint k2, bool sine)
    {
        var u1 = (k1 + 1.0) / (1 << 24);
        var theta = 2.0 * Math.PI * k2 / (1 << 24);
        var radius = Math.Sqrt(-2.0 * Math.Log(u1));
        return radius * (sine ? Math.Sin(theta) : Math.Cos(theta));
    }

    /// <summary>The stream of a generator seeded with <paramref name="seed"/>, recomputed with scalar xoshiro256**
    /// (true multiplications) and double-precision Box–Muller: an independent statement of the layout.</summary>
    internal static void ReferenceFill(ulong seed, Span<double> destination)
    {
        Span<ulong> state = stackalloc ulong[16];
        SeedLanes(seed, state);
        Span<ulong> first = stackalloc ulong[4];
        Span<ulong> second = stackalloc ulong[4];
        for (var block = 0; block * BlockLength < destination.Length; block++)
        {
            for (var lane = 0; lane < 4; lane++)
            {
                var s = state.Slice(4 * lane, 4);
                first[lane] = ScalarNext(s);
                second[lane] = ScalarNext(s);
            }

            for (var i = 0; i < 8; i++)
            {
                // Lane order of reinterpreting four ulongs as eight uints: low half first (little-endian).
                var shift = 32 * (i & 1);
                var k1 = (uint)(first[i >> 1] >> shift) >> 8;
                var k2 = (uint)(second[i >> 1] >> shift) >> 8;
                var cosIndex = (block * BlockLength) + i;
                if (cosIndex < destination.Length)
                {
                    destination[cosIndex] = ReferenceSample(k1, k2, sine: false);
                }

                if (cosIndex + 8 < destination.Length)
                {
                    destination[cosIndex + 8] = ReferenceSample(k1, k2, sine: true);
                }
            }
        }
    }

    /// <summary>−2 ln x for x in [2^−24, 1]: x = 2^e·m with m in [√½, √2), ln m = 2 atanh t, t = (m − 1)/(m + 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MinusTwoLog(Vector256<float> x)
    {
        // Offsetting the bits by those of √½ before the split centres the mantissa on 1, so x just below 1 keeps
        // e = 0 and m − 1 is exact: ln x keeps full relative accuracy where the square root would magnify error.
        var bits = x.AsInt32() - Vector256.Create(SqrtHalfBits);
        var exponent = Vector256.ConvertToSingle(bits >> 23);
        var mantissa = ((bits & Vector256.Create(0x007FFFFF)) + Vector256.Create(SqrtHalfBits)).AsSingle();
        var t = (mantissa - Vector256<float>.One) / (mantissa + Vector256<float>.One);
        var t2 = t * t;

        // |t| ≤ 0.1716; this near-minimax fit of (atanh t − t)/t³ in t² leaves a relative error of 1e-9 in ln m.
        var series = Vector256.Create(0.33333388f) + (t2 * (Vector256.Create(0.19988771f) + (t2 * 0.14935865f)));
        var twoT = t + t;
        var log = (twoT + (twoT * t2 * series) + (exponent * Ln2Low)) + (exponent * Ln2High);

        // Zero minus the doubled log rather than a multiply by −2, so x = 1 gives +0 instead of −0.
        return Vector256<float>.Zero - (log + log);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Step(
        ref Vector256<ulong> s0,
        ref Vector256<ulong> s1,
        ref Vector256<ulong> s2,
        ref Vector256<ulong> s3)
    {
        // 64-bit lane multiplies have no AVX2 instruction; ×5 and ×9 as shift-adds are exact and cheap.
        var times5 = (s1 << 2) + s1;
        var rotated = (times5 << 7) | (times5 >>> 57);
        var result = (rotated << 3) + rotated;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 45) | (s3 >>> 19);
        return result;
    }

    private static ulong ScalarNext(Span<ulong> s)
    {
        var result = ulong.RotateLeft(s[1] * 5, 7) * 9;
        var t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = ulong.RotateLeft(s[3], 45);
        return result;
    }

    /// <summary>Sixteen consecutive SplitMix64 outputs: words 4j..4j+3 are lane j's s0..s3.</summary>
    private static void SeedLanes(ulong seed, Span<ulong> state)
    {
        var sm = seed ^ DomainSeparator;
        for (var i = 0; i < state.Length; i++)
        {
            var z = sm += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            state[i] = z ^ (z >> 31);
        }
    }
}
