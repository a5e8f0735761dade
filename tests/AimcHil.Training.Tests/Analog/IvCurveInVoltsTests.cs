using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Domains;
using AimcHil.Training.Analog;

namespace AimcHil.Training.Tests.Analog;

/// <summary>The physical model's I–V curve is the emulator's: in volts across the device, at the chip's read voltage.</summary>
public class IvCurveInVoltsTests
{
    // a2 = 0.25 /V, a3 = 2.5 /V², read at 0.5 V (not the default 0.2 V, where the old per-fraction coefficients
    // 0.05 and 0.1 would have given the same numbers).
    private static ChipPreset Preset => new()
    {
        Name = "iv-volts",
        Device = DeviceTechnology.Rram,
        Rows = 4,
        Cols = 2,
        Rram = new RramConfig().Ideal() with { IvNonLinearity = true, IvA2PerVolt = 0.25, IvA3PerVoltSquared = 2.5 },
        Current = new CurrentDomainConfig { ReadVolts = 0.5 },
    };

    [Fact]
    public void FeatureAndSlopeFollowTheVoltageAcrossTheDevice()
    {
        var physics = new CrossbarPhysics(Preset);

        // x = 1: V = 0.5 V, φ = 1 + 0.25·0.5 + 2.5·0.25 = 1.75; φ' = 1 + 2·0.125 + 3·0.625 = 3.125.
        Assert.Equal(0.5, physics.ReadVoltage);
        Assert.Equal(1.75, physics.Feature(1), 12);
        Assert.Equal(3.125, physics.FeatureSlope(1), 12);

        // x = −0.5: V = −0.25 V, φ = −0.5·(1 + 0.0625 + 0.15625); φ' = 1 + 0.125 + 0.46875.
        Assert.Equal(-0.5 * 1.21875, physics.Feature(-0.5), 12);
        Assert.Equal(1.59375, physics.FeatureSlope(-0.5), 12);
    }

    [Fact]
    public void FeaturesAreTheEmulatorsCurrentDomainFeatures()
    {
        var preset = Preset;
        var physics = new CrossbarPhysics(preset);
        var domain = new CurrentDomain(preset, preset.CreateDevice());
        int[] codes = [127, -127, 64, -3, 0];
        var features = new float[codes.Length];

        domain.InputFeatures(0, codes, features);

        for (var k = 0; k < codes.Length; k++)
        {
            Assert.Equal((float)physics.Feature(codes[k] / 127.0), features[k]);
        }
    }
}
