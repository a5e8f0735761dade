using System.Runtime.Intrinsics;

namespace AimcHil.Emulator.Domains;

/// <summary>How one device array's read noise enters a compute view (<see cref="LinearCore"/>): each device's σ,
/// through its gain to the conversion, adds σ²·f_white to the white variance and σ·ξ·√(1 − f_white) to the held noise
/// carried in the weights.</summary>
internal static class ReadNoiseTerms
{
    /// <summary>s = σ·gain; slow += (s·ξ)·<paramref name="heldScale"/> (when <paramref name="held"/> is not empty);
    /// variance += (s·s)·<paramref name="white"/>: per device the float operations, in the order, of one
    /// whole-array pass per step, in a single pass. Returns whether any σ is non-zero (NaN counts as non-zero).</summary>
    public static bool Accumulate(
        ReadOnlySpan<float> sigma,
        ReadOnlySpan<float> gain,
        ReadOnlySpan<float> held,
        float heldScale,
        float white,
        Span<float> slow,
        Span<float> variance)
    {
        var withHeld = !held.IsEmpty;
        var width = Vector256<float>.Count;
        var nonZero = Vector256<float>.Zero;
        var k = 0;
        for (; k <= sigma.Length - width; k += width)
        {
            var raw = Vector256.Create(sigma.Slice(k, width));
            nonZero |= ~Vector256.Equals(raw, Vector256<float>.Zero);
            var s = raw * Vector256.Create(gain.Slice(k, width));
            if (withHeld)
            {
                var term = s * Vector256.Create(held.Slice(k, width));
                ((term * heldScale) + Vector256.Create(slow.Slice(k, width))).CopyTo(slow.Slice(k, width));
            }

            (((s * s) * white) + Vector256.Create(variance.Slice(k, width))).CopyTo(variance.Slice(k, width));
        }

        var any = nonZero != Vector256<float>.Zero;
        for (; k < sigma.Length; k++)
        {
            any |= sigma[k] != 0;
            var s = sigma[k] * gain[k];
            if (withHeld)
            {
                slow[k] = (s * held[k] * heldScale) + slow[k];
            }

            variance[k] = (s * s * white) + variance[k];
        }

        return any;
    }
}
