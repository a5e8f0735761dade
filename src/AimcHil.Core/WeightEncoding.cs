namespace AimcHil.Core;

/// <summary>How a signed weight is laid onto unsigned devices.</summary>
public enum WeightEncoding
{
    /// <summary>Two devices per weight, w ∝ G⁺ − G⁻, read as one differential column.</summary>
    DifferentialPair,
    /// <summary>Binary cells holding the bits of a two's-complement weight, one column per bit significance.</summary>
    TwosComplementBits,
}
