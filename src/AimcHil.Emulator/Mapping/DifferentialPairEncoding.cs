using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using AimcHil.Core;
using AimcHil.Emulator.Devices;

namespace AimcHil.Emulator.Mapping;

/// <summary>w ∝ G⁺ − G⁻: the positive part of a weight on one device, the negative part on its partner, both at
/// least at the device's lowest state, so the floor cancels in the difference.</summary>
public sealed class DifferentialPairEncoding : IWeightEncoding
{
    private readonly IDeviceModel _device;

    public DifferentialPairEncoding(IDeviceModel device)
    {
        _device = device;
        Span = 1f - device.MinState;
    }

    public WeightEncoding Kind => WeightEncoding.DifferentialPair;

    public IReadOnlyList<string> ArrayNames { get; } = ["G+", "G-"];

    public int WeightLevels => _device.Levels == 0 ? 0 : (2 * _device.Levels) - 1;

    /// <summary>Normalized state difference that represents weight 1.</summary>
    public float Span { get; }

    /// <remarks>Eight weights at a time, then the device's bulk quantizer: every weight sees the same float operations
    /// in the same order as the per-weight formula, so the targets are bit for bit the same.</remarks>
    public void Encode(ReadOnlySpan<float> weights, float[][] targets)
    {
        var plus = targets[0].AsSpan(0, weights.Length);
        var minus = targets[1].AsSpan(0, weights.Length);
        var min = _device.MinState;
        var width = Vector256<float>.Count;
        var k = 0;
        for (; k <= weights.Length - width; k += width)
        {
            var w = Vector256.Min(Vector256.Max(Vector256.Create(weights[k..]), -Vector256<float>.One), Vector256<float>.One);
            ((Vector256.Max(w, Vector256<float>.Zero) * Span) + Vector256.Create(min)).CopyTo(plus[k..]);
            ((Vector256.Max(-w, Vector256<float>.Zero) * Span) + Vector256.Create(min)).CopyTo(minus[k..]);
        }

        for (; k < weights.Length; k++)
        {
            var w = Math.Clamp(weights[k], -1f, 1f);
            plus[k] = min + (Span * Math.Max(w, 0f));
            minus[k] = min + (Span * Math.Max(-w, 0f));
        }

        _device.Quantize(plus, plus);
        _device.Quantize(minus, minus);
    }

    public float Decode(float[][] states, int cell) => (states[0][cell] - states[1][cell]) / Span;

    public void Decode(float[][] states, Span<float> weights)
    {
        TensorPrimitives.Subtract(states[0].AsSpan(0, weights.Length), states[1].AsSpan(0, weights.Length), weights);
        TensorPrimitives.Divide(weights, Span, weights);
    }
}
