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

    public void Encode(ReadOnlySpan<float> weights, float[][] targets)
    {
        var min = _device.MinState;
        for (var k = 0; k < weights.Length; k++)
        {
            var w = Math.Clamp(weights[k], -1f, 1f);
            targets[0][k] = _device.Quantize(min + (Span * Math.Max(w, 0f)));
            targets[1][k] = _device.Quantize(min + (Span * Math.Max(-w, 0f)));
        }
    }

    public float Decode(float[][] states, int cell) => (states[0][cell] - states[1][cell]) / Span;
}
