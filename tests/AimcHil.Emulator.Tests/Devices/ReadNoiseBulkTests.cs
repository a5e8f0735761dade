using AimcHil.Emulator.Devices;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Tests.Devices;

/// <summary>The bulk read-noise law used when a tile is rebuilt equals the per-device law.</summary>
public class ReadNoiseBulkTests
{
    public static TheoryData<string> Devices() => ["pcm", "pcm-off", "rram", "sram"];

    private static IDeviceModel Create(string name) => name switch
    {
        "pcm" => new PcmDevice(),
        "pcm-off" => new PcmDevice(new PcmConfig { ReadNoise = false }),
        "rram" => new RramDevice(),
        _ => new SramDevice(),
    };

    [Theory]
    [MemberData(nameof(Devices))]
    public void BulkSigmasEqualThePerDeviceLaw(string name)
    {
        var device = Create(name);
        var programmed = new float[1000];
        var states = new float[1000];
        var rng = SeededRandom.For(1, "bulk");
        rng.FillUniform(programmed, 0f, 1.1f);
        rng.FillUniform(states, 0f, 1.1f);
        programmed[0] = 0f;
        programmed[1] = 1e-6f;
        var sigmas = new float[1000];

        device.ReadNoiseSigmas(programmed, states, 3600, sigmas);

        for (var k = 0; k < states.Length; k++)
        {
            var expected = device.ReadNoiseSigma(programmed[k], states[k], 3600);
            Assert.True(Math.Abs(sigmas[k] - expected) <= 1e-5 * Math.Abs(expected) + 1e-12, $"{name} device {k}: {sigmas[k]} vs {expected}");
        }
    }
}
