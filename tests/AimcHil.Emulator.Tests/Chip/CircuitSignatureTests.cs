using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Domains;
using AimcHil.Emulator.Periphery;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>Circuit non-idealities seen through the chip: IR drop, capacitors, delays, I–V curve, read-out chain.</summary>
public class CircuitSignatureTests
{
    private static double MeanOutput(EmulatedChip chip, float weight, int code)
    {
        chip.Program(0, TestBench.ConstantWeights(chip.Info.Rows, chip.Info.Cols, weight), WriteVerifyOptions.SinglePulse);
        return chip.Mvm(0, TestBench.ConstantInputs(1, chip.Info.Rows, code)).ToMac().Data.Average();
    }

    private static ChipPreset Fine(ComputationDomain domain, int rows, int cols, double rangeMac) =>
        TestBench.Preset(domain, rows, cols).Ideal() with { Adc = new AdcConfig { Bits = 16, RangeMac = rangeMac } };

    [Fact]
    public void IrDropLowersOutputsMoreWithMoreWireResistanceAndLargerArrays()
    {
        double Loss(int size, double ohm)
        {
            using var chip = new EmulatedChip(Fine(ComputationDomain.Current, size, size, size) with { Wires = new WireConfig { WordSegmentOhm = ohm, BitSegmentOhm = ohm } }, 1);
            return 1 - (MeanOutput(chip, 1f, chip.Info.InputCodeMax) / size);
        }

        Assert.Equal(0, Loss(16, 0), 4);
        Assert.True(Loss(16, 1) > 0);
        Assert.True(Loss(16, 4) > Loss(16, 1));
        Assert.True(Loss(64, 1) > Loss(16, 1));
    }

    /// <summary>Reprogramming a wired tile keeps the last network solve's coupling within the tolerance: the codes match
    /// a chip that solves the network after every programming to within one code, and mostly exactly.</summary>
    [Fact]
    public void ReprogrammedWiredTileReadsAsAFreshNetworkSolveWithinTheUpdateTolerance()
    {
        var preset = TestBench.Preset(ComputationDomain.Current, 64, 64) with { Pcm = TestBench.PcmOnly(programming: true) };
        ChipPreset Wired(double toleranceLsb) => preset with { Wires = new WireConfig { WordSegmentOhm = 4.8, BitSegmentOhm = 4.8, UpdateToleranceLsb = toleranceLsb } };
        using var kept = new EmulatedChip(Wired(0.25), 3);
        using var solved = new EmulatedChip(Wired(0), 3);
        var x = TestBench.RandomInputs(32, 64, kept.Info.InputCodeMax, 4);
        var differing = 0;
        for (var step = 0; step < 4; step++)
        {
            var w = TestBench.RandomWeights(64, 64, 9);
            for (var k = 0; k < w.Data.Length; k++)
            {
                w.Data[k] = Math.Clamp(w.Data[k] + (0.01f * step), -1f, 1f);
            }

            var a = TestBench.Run(kept, w, x).Result.Codes.Data;
            var b = TestBench.Run(solved, w, x).Result.Codes.Data;
            for (var k = 0; k < a.Length; k++)
            {
                Assert.InRange(a[k] - b[k], -1, 1);
                differing += a[k] == b[k] ? 0 : 1;
            }
        }

        Assert.True(differing < 4 * 32 * 64 / 50, $"{differing} of {4 * 32 * 64} codes differ");
    }

    [Fact]
    public void ChargeRedistributionParasiticAttenuatesByTheCapacitiveDivider()
    {
        var preset = TestBench.Preset(ComputationDomain.ChargeRedistribution, 64, 4).Ideal() with
        {
            ChargeRedistribution = new ChargeRedistributionConfig { ParasiticCapacitanceFarad = 16e-15, KtcNoise = false },
        };
        using var chip = new EmulatedChip(preset, 1);

        // Weight 3/7 (0011), input code 1 (only the LSB plane): each of the two low bit columns counts 64 ones,
        // seen through C_u V_DD N / (N C_u + C_par) = 64 · 64 / 80 = 51.2 → ADC 51 per column.
        chip.Program(0, TestBench.ConstantWeights(64, 4, 3f / 7f), WriteVerifyOptions.SinglePulse);
        var result = chip.Mvm(0, TestBench.ConstantInputs(1, 64, 1));

        Assert.Equal(51 + (2 * 51), result.Codes[0, 0]);
    }

    [Fact]
    public void CapacitiveDivisionParasiticAttenuatesTheTopPlate()
    {
        var preset = Fine(ComputationDomain.CapacitiveDivision, 32, 4, 32) with
        {
            CapacitiveDivision = new CapacitiveDivisionConfig { ParasiticCapacitanceFarad = 7 * 32e-15, KtcNoise = false },
        };
        using var chip = new EmulatedChip(preset, 1);

        // Plate: 32 cells × Q = 7 unit capacitors of 1 fF = 224 fF; C_p = 224 fF halves the output.
        Assert.Equal(0.5 * 32, MeanOutput(chip, 1f, chip.Info.InputCodeMax), 2);
    }

    [Fact]
    public void TimeDomainJitterAccumulatesAsSquareRootOfStages()
    {
        // κ = 2 ps/√(1 ns): a 1 ns stage jitters by 2 ps.
        var preset = Fine(ComputationDomain.TimeDomain, 100, 8, 2) with { TimeDomain = new TimeDomainConfig { DelayMismatchSigma = 0, JitterKappaRootSeconds = 2e-12 / Math.Sqrt(1e-9) } };
        using var chip = new EmulatedChip(preset, 1);
        chip.Program(0, TestBench.ConstantWeights(100, 8, 0f), WriteVerifyOptions.SinglePulse);

        var mac = chip.Mvm(0, TestBench.ConstantInputs(3000, 100, 0)).ToMac().Data.Select(v => (double)v).ToArray();

        // Zero products: the column and the replica chain are both N·τ0 = 100 ns, 100 stages of 2 ps each, so
        // σ_T = 2 ps·√(100 + 100) = 28.28 ps; in MAC units (Δτ = 0.5 ns per MAC): 0.05657.
        var (_, std) = TestBench.MeanStd(mac);
        Assert.InRange(std / (2e-12 * Math.Sqrt(200) / 0.5e-9), 0.95, 1.05);
    }

    [Fact]
    public void TimeDomainDelayMismatchShowsAsColumnOffsetsOfTheExpectedSpread()
    {
        var preset = Fine(ComputationDomain.TimeDomain, 100, 256, 8) with { TimeDomain = new TimeDomainConfig { DelayMismatchSigma = 0.01, JitterKappaRootSeconds = 0 } };
        using var chip = new EmulatedChip(preset, 1);

        chip.Program(0, TestBench.ConstantWeights(100, 256, 0f), WriteVerifyOptions.SinglePulse);
        var offsets = chip.Mvm(0, TestBench.ConstantInputs(1, 100, 0)).ToMac().Data.Select(v => (double)v).ToArray();

        // Each column sums 100 stages of τ0·δ, δ ~ N(0, 1 %): σ = 1 ns · 0.01 · 10 = 0.1 ns = 0.2 MAC.
        var (mean, std) = TestBench.MeanStd(offsets);
        Assert.InRange(mean, -0.05, 0.05);
        Assert.InRange(std / 0.2, 0.8, 1.2);
    }

    [Fact]
    public void DeviceIvNonLinearityBendsTheCurrentAsTheCubicLaw()
    {
        var preset = Fine(ComputationDomain.Current, 8, 2, 16) with
        {
            Device = DeviceTechnology.Rram,
            Rram = new RramConfig().Ideal() with { IvNonLinearity = true, IvA2PerVolt = 0.25, IvA3PerVoltSquared = 2.5 },
        };
        using var chip = new EmulatedChip(preset, 1);

        // Word lines at V = x·0.2 V (the default read voltage) over virtual ground: I = G·V·(1 + a2·V + a3·V²). At
        // full scale, V = 0.2 V: 1 + 0.25·0.2 + 2.5·0.04 = 1.15 per device, 8 devices of weight 1.
        var full = MeanOutput(chip, 1f, chip.Info.InputCodeMax);
        var half = MeanOutput(chip, 1f, 64);
        Assert.Equal(8 * 1.15, full, 2);
        var x = 64.0 / chip.Info.InputCodeMax;
        var volts = 0.2 * x;
        Assert.Equal(8 * x * (1 + (0.25 * volts) + (2.5 * volts * volts)), half, 2);
    }

    [Fact]
    public void AdcInlIsABowOfThePeakAtMidRangeAndZeroAtTheEnds()
    {
        var adc = new Adc(8, 32, unipolar: false, inlPeakLsb: 2);

        Assert.Equal(2, adc.InlLsb(0), 12);
        Assert.Equal(0, adc.InlLsb(32), 12);
        Assert.Equal(0, adc.InlLsb(-32), 12);
        Assert.Equal(1.5, adc.InlLsb(16), 12);
        Assert.Equal(2, adc.Convert(0, out _));
        Assert.Equal(10 + 2, adc.Convert(10 * adc.Lsb, out _));
    }

    [Fact]
    public void AdcQuantizesToTheNearestCodeAndFlagsTheRails()
    {
        var adc = new Adc(8, 32, unipolar: false, inlPeakLsb: 0);

        Assert.Equal(0.25, adc.Lsb);
        Assert.Equal(5, adc.Convert(1.3, out var s1));
        Assert.False(s1);
        Assert.Equal(127, adc.Convert(31.8, out var s2));
        Assert.False(s2);
        Assert.Equal(127, adc.Convert(40, out var s3));
        Assert.True(s3);
        Assert.Equal(-128, adc.Convert(-40, out var s4));
        Assert.True(s4);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    public void VectorizedConversionGivesTheScalarConvertersCodesAndSaturationCount(double inlPeakLsb)
    {
        var adc = new Adc(8, 32, unipolar: false, inlPeakLsb);
        var values = new float[1003];
        AimcHil.Numerics.SeededRandom.For(1, "adc").FillUniform(values, -40f, 40f);
        var codes = new int[values.Length];

        var saturated = adc.ConvertToCodes(values, codes);

        var expectedSaturated = 0;
        for (var k = 0; k < values.Length; k++)
        {
            Assert.Equal(adc.Convert(values[k], out var rail), codes[k]);
            expectedSaturated += rail ? 1 : 0;
        }

        Assert.Equal(expectedSaturated, saturated);
        Assert.True(saturated > 100);
    }

    [Fact]
    public void ColumnGainAndOffsetMismatchHaveTheConfiguredSpread()
    {
        var preset = Fine(ComputationDomain.Current, 32, 512, 64) with
        {
            ColumnMismatch = new ColumnMismatchConfig { Enabled = true, GainSigma = 0.1, OffsetSigmaFullScale = 0.02 },
        };
        using var chip = new EmulatedChip(preset, 5);
        chip.Program(0, TestBench.ConstantWeights(32, 512, 0.5f), WriteVerifyOptions.SinglePulse);

        var zero = chip.Mvm(0, TestBench.ConstantInputs(1, 32, 0)).ToMac().Data;
        var full = chip.Mvm(0, TestBench.ConstantInputs(1, 32, chip.Info.InputCodeMax)).ToMac().Data;

        var offsets = zero.Select(v => (double)v).ToArray();
        var gains = full.Zip(zero, (f, z) => (f - z) / 16.0).ToArray();
        Assert.InRange(TestBench.MeanStd(offsets).Std / (0.02 * 64), 0.85, 1.15);
        Assert.InRange(TestBench.MeanStd(gains).Std / 0.1, 0.85, 1.15);
        Assert.InRange(TestBench.MeanStd(gains).Mean, 0.98, 1.02);
    }
}
