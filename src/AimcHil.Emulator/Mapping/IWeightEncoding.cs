namespace AimcHil.Emulator.Mapping;

/// <summary>How a normalized signed weight becomes target states of one or more unsigned devices, and back.</summary>
public interface IWeightEncoding
{
    AimcHil.Core.WeightEncoding Kind { get; }

    /// <summary>Names of the device arrays behind each weight ("G+", "G-", "bit0", …).</summary>
    IReadOnlyList<string> ArrayNames { get; }

    /// <summary>Distinct weights the encoding can represent; 0 for a continuum.</summary>
    int WeightLevels { get; }

    /// <summary>Writes the device targets for each weight; <paramref name="targets"/>[a][k] is array a, cell k.</summary>
    void Encode(ReadOnlySpan<float> weights, float[][] targets);

    /// <summary>The weight that device states represent, for read-back and verify.</summary>
    float Decode(float[][] states, int cell);

    /// <summary>Bulk form of <see cref="Decode(float[][], int)"/>: the weights of the first <paramref name="weights"/>.Length cells.</summary>
    void Decode(float[][] states, Span<float> weights)
    {
        for (var k = 0; k < weights.Length; k++)
        {
            weights[k] = Decode(states, k);
        }
    }
}
