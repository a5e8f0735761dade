using AimcHil.Core;
using AimcHil.Emulator.Devices;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>What hardware-in-the-loop reprogramming every step sees, over many programmings of one tile: the weights
/// carry aihwkit's PCM programming law on both devices of each pair, and an output's read noise over programmings
/// (a fresh held draw per programming plus the white part per read) has the variance Σᵢ (σ⁺ᵢ² + σ⁻ᵢ²)·xᵢ².</summary>
public class ReprogrammingStatisticsTests
{
    private static ChipPreset Pcm(int rows, int cols, PcmConfig pcm) =>
        TestBench.Preset(ComputationDomain.Current, rows, cols).Ideal() with { Pcm = pcm };

    [Theory]
    [InlineData(-0.6f)]
    [InlineData(0f)]
    [InlineData(0.3f)]
    [InlineData(1f)]
    public void ProgrammedWeightsPerLevelFollowTheLawOnBothDevices(float weight)
    {
        using var chip = new EmulatedChip(Pcm(64, 64, TestBench.PcmOnly(programming: true)), 8);
        var achieved = new List<double>();
        for (var programming = 0; programming < 12; programming++)
        {
            achieved.AddRange(chip.Program(0, TestBench.ConstantWeights(64, 64, weight), WriteVerifyOptions.SinglePulse).Achieved!.Data.Select(v => (double)v));
        }

        var (expectedMean, sigma) = PcmProgrammingLaw.PairWeight(weight);
        var (mean, std) = TestBench.MeanStd(achieved);

        // 49152 weights: five standard errors of the mean, and of the spread about 1/√(2n) relative (3.2 %).
        Assert.InRange(mean - expectedMean, -5 * sigma / Math.Sqrt(achieved.Count), 5 * sigma / Math.Sqrt(achieved.Count));
        Assert.InRange(std / sigma, 0.968, 1.032);
    }

    [Fact]
    public void AnOutputsReadNoiseOverProgrammingsIsTheSumOfItsDevicesVariances()
    {
        const int Rows = 32;
        const int Cols = 8;
        const int Programmings = 3000;
        var preset = Pcm(Rows, Cols, TestBench.PcmOnly(read: true)) with { Adc = new() { Bits = 16, RangeMac = 32 } };
        using var chip = new EmulatedChip(preset, 6);
        var weights = TestBench.RandomWeights(Rows, Cols, 2);
        var codes = TestBench.RandomInputs(1, Rows, chip.Info.InputCodeMax, 3);
        var outputs = new double[Cols][];
        for (var j = 0; j < Cols; j++)
        {
            outputs[j] = new double[Programmings];
        }

        for (var p = 0; p < Programmings; p++)
        {
            chip.Program(0, weights, WriteVerifyOptions.SinglePulse);
            var mac = chip.MvmAnalog(0, codes).Mac;
            for (var j = 0; j < Cols; j++)
            {
                outputs[j][p] = mac[0, j];
            }
        }

        // Programming is exact here: G⁺ = max(w, 0) and G⁻ = max(−w, 0). Reads happen about t0 after the pulses.
        var device = chip.Device;
        var t = device.SettlingSeconds;
        var ratios = new List<double>();
        for (var j = 0; j < Cols; j++)
        {
            double variance = 0, exact = 0;
            for (var i = 0; i < Rows; i++)
            {
                var x = codes[0, i] / (double)chip.Info.InputCodeMax;
                var w = weights[i, j];
                var plus = device.ReadNoiseSigma(Math.Max(w, 0f), Math.Max(w, 0f), t);
                var minus = device.ReadNoiseSigma(Math.Max(-w, 0f), Math.Max(-w, 0f), t);
                variance += ((plus * plus) + (minus * minus)) * x * x;
                exact += w * x;
            }

            var (mean, std) = TestBench.MeanStd(outputs[j]);
            Assert.InRange(mean - exact, -5 * Math.Sqrt(variance / Programmings), 5 * Math.Sqrt(variance / Programmings));
            ratios.Add(std / Math.Sqrt(variance));
        }

        // Each column's spread is known to 1/√(2·3000) = 1.3 %; their mean over 8 columns to 0.46 %.
        Assert.All(ratios, r => Assert.InRange(r, 0.95, 1.05));
        Assert.InRange(ratios.Average(), 0.98, 1.02);
    }
}
