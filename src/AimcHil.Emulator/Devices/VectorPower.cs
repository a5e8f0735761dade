using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AimcHil.Emulator.Devices;

/// <summary>x^y for eight floats at once from exact float operations only (no fused multiply-add, no library
/// transcendentals), so the result is the same on every machine, several times faster than <c>TensorPrimitives.Pow</c>;
/// the relative error is about 2e-7·(1 + |y·log2 x|), float rounding of the exponent y·log2 x.</summary>
internal static class VectorPower
{
    private const int SqrtHalfBits = 0x3F3504F3;
    private const int MantissaMask = 0x007FFFFF;
    private const float TwoOverLn2 = 2.8853900817779268f;
    private const float Ln2 = 0.6931471805599453f;
    private const float RoundingShift = 12582912f;
    private const int RoundingShiftBits = 0x4B400000;

    // 2^±125 keeps both the result and the 2^f·2^n assembly below clear of the denormal range.
    private const float ExponentLimit = 125f;

    /// <summary>x^y for normal x &gt; 0, saturating at 2^±125; x = 0 saturates the same way (ln 0 = −∞), NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Pow(Vector256<float> x, float y)
    {
        var log = Vector256.ConditionalSelect(Vector256.Equals(x, Vector256<float>.Zero), Vector256.Create(float.NegativeInfinity), Log2(x));
        var z = Vector256.Min(Vector256.Max(log * y, Vector256.Create(-ExponentLimit)), Vector256.Create(ExponentLimit));
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), Exp2(z), x);
    }

    /// <summary>log2 x = e + (2/ln 2)·atanh t with x = 2^e·m, m in [√½, √2), t = (m − 1)/(m + 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Log2(Vector256<float> x)
    {
        // Offsetting the bits by those of √½ before the split centres the mantissa on 1, so |t| ≤ 0.1716.
        var bits = x.AsInt32() - Vector256.Create(SqrtHalfBits);
        var exponent = Vector256.ConvertToSingle(bits >> 23);
        var mantissa = ((bits & Vector256.Create(MantissaMask)) + Vector256.Create(SqrtHalfBits)).AsSingle();
        var t = (mantissa - Vector256<float>.One) / (mantissa + Vector256<float>.One);
        var t2 = t * t;

        // atanh t / t = 1 + t²/3 + t⁴/5 + t⁶/7 + t⁸/9 + …; the first term left out is below 3e-10.
        var series = Vector256<float>.One + (t2 * (Vector256.Create(1f / 3) + (t2 * (Vector256.Create(1f / 5)
            + (t2 * (Vector256.Create(1f / 7) + (t2 * (1f / 9))))))));
        return exponent + (t * series * TwoOverLn2);
    }

    /// <summary>2^z for |z| ≤ 125: 2^n·e^(f·ln 2) with n the nearest integer and |f| ≤ ½.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Exp2(Vector256<float> z)
    {
        // Adding 1.5·2^23 rounds z to an integer (to nearest, exactly) and leaves that integer in the low mantissa
        // bits, so neither a floor nor a float-to-int conversion is needed.
        var shifted = z + Vector256.Create(RoundingShift);
        var n = shifted - Vector256.Create(RoundingShift);
        var g = (z - n) * Ln2;

        // Taylor series of e^g to g⁷ for |g| ≤ 0.347: the first term left out is below 6e-9.
        var series = Vector256<float>.One + (g * (Vector256<float>.One + (g * (Vector256.Create(1f / 2) + (g * (Vector256.Create(1f / 6)
            + (g * (Vector256.Create(1f / 24) + (g * (Vector256.Create(1f / 120) + (g * (Vector256.Create(1f / 720)
            + (g * (1f / 5040))))))))))))));
        return (series.AsInt32() + ((shifted.AsInt32() - Vector256.Create(RoundingShiftBits)) << 23)).AsSingle();
    }
}
