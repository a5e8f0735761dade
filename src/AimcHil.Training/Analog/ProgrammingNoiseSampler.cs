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
    private float[][]? _states;

    public ProgrammingNoiseSampler(IDeviceModel device, IWeightEncoding encoding, SeededRandom rng)
    {
        _device = device;
        _encoding = encoding;
        _rng = rng;
    }

    /// <summary>Noisy normalized weights for normalized targets in [-1, 1].</summary>
    /// <remarks>One pulse per device through the device's bulk law, as the emulated chip programs a tile: the same
    /// law as a device-by-device loop, with normals drawn in blocks (so not the same draws for a seed), at a small
    /// fraction of the cost of one polar-method draw per device. The device arrays are kept for the next call.</remarks>
    public void Sample(ReadOnlySpan<float> targets, Span<float> noisy)
    {
        var states = _states;
        if (states is null || states[0].Length != targets.Length)
        {
            states = _states = new float[_encoding.ArrayNames.Count][];
            for (var a = 0; a < states.Length; a++)
            {
                states[a] = new float[targets.Length];
            }
        }

        _encoding.Encode(targets, states);
        foreach (var s in states)
        {
            var devices = s.AsSpan();
            _device.ProgramOnce(devices, devices, _rng);
        }

        _encoding.Decode(states, noisy[..targets.Length]);
    }
}
