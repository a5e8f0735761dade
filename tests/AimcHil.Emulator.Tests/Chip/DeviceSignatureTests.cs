using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Periphery;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>Device non-idealities seen at the chip outputs: drift and its compensation, output-referred read noise.</summary>
public class DeviceSignatureTests
{
    private static ChipPreset Pcm(PcmConfig pcm, bool compensation = false) =>
        TestBench.Preset(ComputationDomain.Current, 64, 64).Ideal() with
        {
            Pcm = pcm,
            DriftCompensation = compensation,
            Adc = new AdcConfig { Bits = 16, RangeMac = 64 },
        };

    [Fact]
    public void DriftShrinksOutputsByThePowerLawAndCompensationRestoresThem()
    {
        var w = TestBench.ConstantWeights(64, 64, 0.8f);
        var x = TestBench.ConstantInputs(1, 64, 127);
        double Output(bool compensation, double seconds)
        {
            using var chip = new EmulatedChip(Pcm(TestBench.PcmOnly(drift: true), compensation), 3);
            chip.Program(0, w, WriteVerifyOptions.SinglePulse);
            chip.Mvm(0, x);
            chip.Clock.Advance(seconds);
            return chip.Mvm(0, x).ToMac().Data.Average();
        }

        var day = 86400.0;
        var fresh = Output(false, 0);
        var aged = Output(false, day);

        // G⁻ is at target 0 and contributes nothing; G⁺ at 0.8 drifts with ν ~ |N(μ_ν, σ_ν)|.
        var mu = PcmDevice.DriftExponentMean(0.8);
        var expectedRatio = Math.Pow((day + 20) / 20, -mu);
        Assert.Equal(64 * 0.8, fresh, 1);
        Assert.InRange(aged / fresh, expectedRatio * 0.97, expectedRatio * 1.03);
        Assert.Equal(fresh, Output(true, day), 0);
    }

    [Fact]
    public void ReadNoiseAtTheOutputHasVarianceSumOfDeviceVariancesTimesInputSquared()
    {
        using var chip = new EmulatedChip(Pcm(TestBench.PcmOnly(read: true)), 3);
        var w = TestBench.RandomWeights(64, 64, 1);
        chip.Program(0, w, WriteVerifyOptions.SinglePulse);
        var code = 100;
        var mac = chip.Mvm(0, TestBench.ConstantInputs(2000, 64, code)).ToMac();
        var device = chip.Device;
        var states = chip.ReadBack(0);
        var age = chip.Clock.Seconds;
        var x = (double)code / chip.Info.InputCodeMax;

        var ratios = new List<double>();
        for (var j = 0; j < 64; j++)
        {
            double variance = 0;
            for (var i = 0; i < 64; i++)
            {
                var plus = states.Arrays[0].States[i, j];
                var minus = states.Arrays[1].States[i, j];
                var sp = device.ReadNoiseSigma(plus, plus, age);
                var sm = device.ReadNoiseSigma(minus, minus, age);
                variance += ((sp * sp) + (sm * sm)) * x * x;
            }

            var column = Enumerable.Range(0, 2000).Select(s => (double)mac[s, j]).ToArray();
            ratios.Add(TestBench.MeanStd(column).Std / Math.Sqrt(variance));
        }

        Assert.InRange(ratios.Average(), 0.97, 1.03);
    }
}
