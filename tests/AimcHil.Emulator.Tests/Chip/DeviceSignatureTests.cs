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
    public void ReadNoiseBetweenRepeatsHasTheWhiteVarianceSumOfDeviceVariancesTimesInputSquared()
    {
        using var chip = new EmulatedChip(Pcm(TestBench.PcmOnly(read: true)), 3);
        var w = TestBench.RandomWeights(64, 64, 1);
        chip.Program(0, w, WriteVerifyOptions.SinglePulse);
        var code = 100;
        var mac = chip.Mvm(0, TestBench.ConstantInputs(2000, 64, code)).ToMac();
        var device = chip.Device;

        // Programming is exact, so G⁺ = max(w, 0) and G⁻ = max(−w, 0); the read is t0 after the pulse (plus the few
        // microseconds of programming), and the repeats differ by the white octaves (faster than one 1 µs read) only.
        var readSeconds = chip.Clock.Seconds + device.SettlingSeconds;
        var white = device.ReadNoiseWhiteFraction(readSeconds, 1e-6);
        Assert.Equal(Math.Log(2) / Math.Log((readSeconds + 250e-9) / 500e-9), white, 9);
        var x = (double)code / chip.Info.InputCodeMax;

        var ratios = new List<double>();
        for (var j = 0; j < 64; j++)
        {
            double variance = 0;
            for (var i = 0; i < 64; i++)
            {
                var plus = Math.Max(w[i, j], 0f);
                var minus = Math.Max(-w[i, j], 0f);
                var sp = device.ReadNoiseSigma(plus, plus, readSeconds);
                var sm = device.ReadNoiseSigma(minus, minus, readSeconds);
                variance += ((sp * sp) + (sm * sm)) * x * x * white;
            }

            var column = Enumerable.Range(0, 2000).Select(s => (double)mac[s, j]).ToArray();
            ratios.Add(TestBench.MeanStd(column).Std / Math.Sqrt(variance));
        }

        Assert.InRange(ratios.Average(), 0.97, 1.03);
    }
}
