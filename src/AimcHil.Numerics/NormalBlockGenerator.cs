using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

// The accuracy tests compare the vector transform with a double-precision reference on the same uniforms, which must
// stay internal so the reference never becomes something callers depend on.
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
/// sqrt(48 ln 2) ≈ 5.77 and the distribution is truncated there (a true normal puts 8e-9 beyond it), and radii
/// above 5 take only 62 discrete values (each of probability 2^−24); for read-noise emulation that is
/// far below anything a run can resolve. Not thread-safe.
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

    // Rounding −2 ln 2 to float errs by 4e-9 relative, negligible even at the largest exponent (24).
    private const float MinusTwoLn2 = -1.3862944f;

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
            NextBlock(ref s0, ref s1, ref s2, ref s3, out var cosine, out var sine);
            cosine.StoreUnsafe(ref target, (nuint)written);
            sine.StoreUnsafe(ref target, (nuint)(written + 8));
            written += BlockLength;
        }

        if (written < length)
        {
            NextBlock(ref s0, ref s1, ref s2, ref s3, out var cosine, out var sine);
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

    /// <summary>Moves past the next <paramref name="count"/> samples of the stream without computing them: afterwards
    /// the generator is where <see cref="Fill"/> of that many would have left it. Whole blocks cost two xoshiro steps
    /// and no transform, so drawing a few samples out of every row of a larger grid keeps the grid's stream.</summary>
    public void Skip(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var fromCarry = (int)Math.Min(BlockLength - _carryIndex, count);
        _carryIndex += fromCarry;
        count -= fromCarry;
        if (count == 0)
        {
            return;
        }

        var s0 = _s0;
        var s1 = _s1;
        var s2 = _s2;
        var s3 = _s3;
        for (; count >= BlockLength; count -= BlockLength)
        {
            Step(ref s0, ref s1, ref s2, ref s3);
            Step(ref s0, ref s1, ref s2, ref s3);
        }

        if (count > 0)
        {
            // The partial block is drawn as Fill would, so the rest of it is the carry-over of the next call.
            NextBlock(ref s0, ref s1, ref s2, ref s3, out var cosine, out var sine);
            ref var carry = ref MemoryMarshal.GetArrayDataReference(_carry);
            cosine.StoreUnsafe(ref carry);
            sine.StoreUnsafe(ref carry, 8);
            _carryIndex = (int)count;
        }

        _s0 = s0;
        _s1 = s1;
        _s2 = s2;
        _s3 = s3;
    }

    /// <summary>Columns [<paramref name="first"/>, first + <paramref name="count"/>) of the next
    /// <paramref name="rows"/> × <paramref name="stride"/> samples, row by row into <paramref name="destination"/>
    /// (rows × count): what <see cref="Fill"/> of the whole grid would put there, the other samples skipped, and the
    /// generator left where that fill would leave it.</summary>
    /// <remarks>When every row starts on a block (stride a multiple of <see cref="BlockLength"/>, no carry-over), the
    /// blocks outside the columns cost two xoshiro steps and no transform, in one loop; otherwise the rows are
    /// skipped and filled one call at a time.</remarks>
    public void FillColumns(Span<float> destination, int rows, int stride, int first, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (first + count > stride || destination.Length != rows * count)
        {
            throw new ArgumentException($"columns {first} to {first + count - 1} of {rows} rows of {stride} do not fill {destination.Length} samples", nameof(destination));
        }

        if (_carryIndex != BlockLength || stride % BlockLength != 0 || count == 0)
        {
            for (var r = 0; r < rows; r++)
            {
                Skip(first);
                Fill(destination.Slice(r * count, count));
                Skip(stride - first - count);
            }

            return;
        }

        var s0 = _s0;
        var s1 = _s1;
        var s2 = _s2;
        var s3 = _s3;
        var blocksPerRow = stride / BlockLength;
        var firstBlock = first / BlockLength;
        var lastBlock = (first + count - 1) / BlockLength;
        Span<float> block = stackalloc float[BlockLength];
        ref var block0 = ref MemoryMarshal.GetReference(block);
        for (var r = 0; r < rows; r++)
        {
            var row = destination.Slice(r * count, count);
            for (var b = 0; b < blocksPerRow; b++)
            {
                if (b < firstBlock || b > lastBlock)
                {
                    Step(ref s0, ref s1, ref s2, ref s3);
                    Step(ref s0, ref s1, ref s2, ref s3);
                    continue;
                }

                NextBlock(ref s0, ref s1, ref s2, ref s3, out var cosine, out var sine);
                cosine.StoreUnsafe(ref block0);
                sine.StoreUnsafe(ref block0, 8);
                var from = Math.Max(first, b * BlockLength);
                var to = Math.Min(first + count, (b + 1) * BlockLength);
                block.Slice(from - (b * BlockLength), to - from).CopyTo(row[(from - first)..]);
            }
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
        var radius = Vector256.Sqrt(MinusTwoLogUniform(k1));

        // Range reduction on the integer uniform is exact: θ = qπ/2 + φ with |φ| ≤ π/4, where q is bits 22–23 of
        // k2 + 2^21. Even q gives (sin θ, cos θ) = ±(sin φ, cos φ), odd q gives ±(cos φ, −sin φ); the common sign
        // (bit 1 of q) goes onto the radius, and odd q negates φ so −sin φ comes out of the same polynomial. Both
        // are sign-bit flips, which are exact.
        var shifted = k2 + Vector256.Create(1 << 21);
        var residual = (shifted & Vector256.Create((1 << 22) - 1)) - Vector256.Create(1 << 21);
        var oddSign = (shifted << 9) & Vector256.Create(int.MinValue);
        radius ^= ((shifted << 8) & Vector256.Create(int.MinValue)).AsSingle();
        var phi = (Vector256.ConvertToSingle(residual) * (2f * MathF.PI * TwoToMinus24)) ^ oddSign.AsSingle();
        var phi2 = phi * phi;

        // Near-minimax fits on [−π/4, π/4] whose truncation errors (2e-9 for sine, 1e-10 for cosine) sit below
        // float rounding, at two terms fewer than the Taylor series of the same accuracy.
        var sinPhi = phi + (phi * phi2 * (Vector256.Create(-0.16666651f)
            + (phi2 * (Vector256.Create(0.008331979f) + (phi2 * -0.00019495636f)))));
        var cosPhi = Vector256<float>.One + (phi2 * (Vector256.Create(-0.5f)
            + (phi2 * (Vector256.Create(0.041666646f)
            + (phi2 * (Vector256.Create(-0.0013887368f) + (phi2 * 2.4438452E-05f)))))));
        sine = radius * SelectBySign(oddSign, cosPhi, sinPhi);
        cosine = radius * SelectBySign(oddSign, sinPhi, cosPhi);
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

    /// <summary>−2 ln u for u = (k + 1)/2^24: u = 2^e·m with m in [√½, √2), ln m = 2 atanh t, t = (m − 1)/(m + 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MinusTwoLogUniform(Vector256<int> k)
    {
        // The 2^−24 scale is folded into the exponent field instead of a multiply. Offsetting the bits by those of
        // √½ before the split centres the mantissa on 1, so u just below 1 keeps e = 0 and 1 − m is exact: ln u
        // keeps full relative accuracy where the square root would otherwise magnify its error.
        var bits = Vector256.ConvertToSingle(k + Vector256<int>.One).AsInt32() - Vector256.Create(SqrtHalfBits + (24 << 23));
        var exponent = Vector256.ConvertToSingle(bits >> 23);
        var mantissa = ((bits & Vector256.Create(0x007FFFFF)) + Vector256.Create(SqrtHalfBits)).AsSingle();
        var minusT = (Vector256<float>.One - mantissa) / (Vector256<float>.One + mantissa);
        var t2 = minusT * minusT;
        var minusFourT = minusT * 4f;

        // |t| ≤ 0.1716; this near-minimax fit of (atanh t − t)/t³ in t² leaves a relative error of 1e-9. For u = 1
        // every term is +0 or −0 and their sum +0, so the radius is +0 rather than −0.
        var series = Vector256.Create(0.33333388f) + (t2 * (Vector256.Create(0.19988771f) + (t2 * 0.14935865f)));
        return minusFourT + (minusFourT * t2 * series) + (exponent * MinusTwoLn2);
    }

    /// <summary>Lanes of whenSet where sign has its sign bit set, else of whenClear; blendv on AVX, where only the
    /// sign bit is read, and the portable bitwise select elsewhere, with the same result bit for bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> SelectBySign(Vector256<int> sign, Vector256<float> whenSet, Vector256<float> whenClear) =>
        Avx.IsSupported
            ? Avx.BlendVariable(whenClear, whenSet, sign.AsSingle())
            : Vector256.ConditionalSelect((sign >> 31).AsSingle(), whenSet, whenClear);

    /// <summary>One block: two xoshiro256** steps of all four lanes, each 64-bit output split into two 24-bit
    /// uniforms (the top 24 bits of each 32-bit half), the first step's for the radii, the second's for the angles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void NextBlock(
        ref Vector256<ulong> s0,
        ref Vector256<ulong> s1,
        ref Vector256<ulong> s2,
        ref Vector256<ulong> s3,
        out Vector256<float> cosine,
        out Vector256<float> sine)
    {
        var first = Step(ref s0, ref s1, ref s2, ref s3);
        var second = Step(ref s0, ref s1, ref s2, ref s3);
        Transform((first.AsUInt32() >>> 8).AsInt32(), (second.AsUInt32() >>> 8).AsInt32(), out cosine, out sine);
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
