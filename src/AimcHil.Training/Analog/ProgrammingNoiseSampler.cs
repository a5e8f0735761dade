using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Mapping;
using AimcHil.Numerics;

namespace AimcHil.Training.Analog;

/// <summary>Draws the weights a chip would hold after one programming of given targets, from the device model and the
/// chip's weight encoding: the reparameterized W̃ = W + σ(W)·ε of probabilistic hardware-aware training, with the
/// device's own (state-dependent, possibly non-Gaussian) law instead of a fitted σ.</summary>
public sealed class ProgrammingNoiseSampler
{
    private readonly IDeviceModel _device;
    private readonly IWeightEncoding _encoding;
    private readonly SeededRandom _rng;

    public ProgrammingNoiseSampler(IDeviceModel device, IWeightEncoding encoding, SeededRandom rng)
    {
        _device = device;
        _encoding = encoding;
        _rng = rng;
    }

    /// <summary>Noisy normalized weights for normalized targets in [-1, 1].</summary>
    public void Sample(ReadOnlySpan<float> targets, Span<float> noisy)
    {
        var arrays = _encoding.ArrayNames.Count;
        var states = new float[arrays][];
        for (var a = 0; a < arrays; a++)
        {
            states[a] = new float[targets.Length];
        }

        _encoding.Encode(targets, states);
        for (var a = 0; a < arrays; a++)
        {
            var s = states[a];
            for (var k = 0; k < s.Length; k++)
            {
                s[k] = _device.ProgramOnce(s[k], _rng);
            }
        }

        for (var k = 0; k < targets.Length; k++)
        {
            noisy[k] = _encoding.Decode(states, k);
        }
    }
}
