namespace AimcHil.Core;

/// <summary>How a signed weight is laid onto unsigned devices.</summary>
public enum WeightEncoding
{
    /// <summary>Two devices per weight, w ∝ G⁺ − G⁻, read as one differential column.</summary>
    DifferentialPair,
    /// <summary>Binary cells holding the bits of a two's-complement weight, one column per bit significance,
    /// recombined digitally.</summary>
    TwosComplementBits,

    /// <summary>A sign cell and binary-weighted magnitude cells inside one weight (a capacitor DAC per cell).</summary>
    SignMagnitudeBits,
}
