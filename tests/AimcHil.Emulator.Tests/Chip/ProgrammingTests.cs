using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Mapping;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>Programming through the chip: write-verify, stuck devices, sneak paths on verify reads.</summary>
public class ProgrammingTests
{
    private static ChipPreset NoisyPcm(int rows, int cols) => TestBench.Preset(ComputationDomain.Current, rows, cols).Ideal() with
    {
        Pcm = TestBench.PcmOnly(programming: true),
    };

    private static double RmsError(ProgrammingReport report)
    {
        double sum = 0;
        for (var k = 0; k < report.Achieved!.Data.Length; k++)
        {
            var e = report.Achieved.Data[k] - report.Representable!.Data[k];
            sum += e * e;
        }

        return Math.Sqrt(sum / report.Achieved.Data.Length);
    }

    [Fact]
    public void WriteVerifyNarrowsProgrammingErrorAndCostsPulses()
    {
        var w = TestBench.RandomWeights(64, 64, 1);
        using var single = new EmulatedChip(NoisyPcm(64, 64), 2);
        using var verified = new EmulatedChip(NoisyPcm(64, 64), 2);

        var once = single.Program(0, w, WriteVerifyOptions.SinglePulse);
        var verify = verified.Program(0, w, new WriteVerifyOptions(true, 0.02, 30));

        // One pulse per device of the pair.
        Assert.Equal(2L * 64 * 64, once.TotalPulses);
        Assert.True(verify.TotalPulses > once.TotalPulses, $"{verify.TotalPulses} pulses");
        Assert.True(RmsError(verify) < 0.5 * RmsError(once), $"{RmsError(verify)} vs {RmsError(once)}");

        // Every converged device is within tolerance of its target, so its weight within 2 tolerances.
        var unconverged = verify.Unconverged.ToHashSet();
        for (var k = 0; k < w.Data.Length; k++)
        {
            if (!unconverged.Contains(new CellAddress(k / 64, k % 64)))
            {
                Assert.InRange(verify.Achieved!.Data[k] - verify.Representable!.Data[k], -0.04f - 1e-6f, 0.04f + 1e-6f);
            }
        }
    }

    [Fact]
    public void PulseBudgetBoundsPulsesAndReportsUnconvergedWeights()
    {
        using var chip = new EmulatedChip(NoisyPcm(32, 32), 2);

        var report = chip.Program(0, TestBench.RandomWeights(32, 32, 1), new WriteVerifyOptions(true, 0.001, 3));

        Assert.All(report.Pulses!.Data, p => Assert.InRange(p, 2, 6));
        Assert.NotEmpty(report.Unconverged);
        Assert.Equal(report.Pulses.Data.Sum(), report.TotalPulses);
    }

    [Fact]
    public void StuckDeviceFractionsMatchTheConfiguredRates()
    {
        var preset = TestBench.Preset(ComputationDomain.Current, 128, 128).Ideal() with
        {
            Device = DeviceTechnology.Rram,
            Rram = new RramConfig().Ideal() with { StuckAt = true, StuckOnFraction = 0.02, StuckOffFraction = 0.03 },
        };
        using var chip = new EmulatedChip(preset, 7);

        // Targets in mid-range: a healthy device reads 0.5, a stuck one 0 or 1.
        chip.Program(0, TestBench.ConstantWeights(128, 128, 0.5f), WriteVerifyOptions.SinglePulse);
        var states = chip.ReadBack(0).Arrays[0].States.Data;

        var n = states.Length;
        double on = states.Count(s => s == 1f), off = states.Count(s => s == 0f);
        Assert.InRange(on / n, 0.02 - (4 * Math.Sqrt(0.02 * 0.98 / n)), 0.02 + (4 * Math.Sqrt(0.02 * 0.98 / n)));
        Assert.InRange(off / n, 0.03 - (4 * Math.Sqrt(0.03 * 0.97 / n)), 0.03 + (4 * Math.Sqrt(0.03 * 0.97 / n)));
    }

    [Fact]
    public void SneakPathsInflatePassiveReadsAndVanishWithAccessTransistors()
    {
        var passive = TestBench.Preset(ComputationDomain.Current, 16, 16).Ideal() with { Device = DeviceTechnology.Rram, AccessTransistors = false };
        var active = passive with { AccessTransistors = true };
        var w = TestBench.RandomWeights(16, 16, 4);
        using var oneR = new EmulatedChip(passive, 1);
        using var oneTOneR = new EmulatedChip(active, 1);

        // Ideal() turns access transistors on, so the passive preset sets them off after it.
        oneR.Program(0, w, WriteVerifyOptions.SinglePulse);
        oneTOneR.Program(0, w, WriteVerifyOptions.SinglePulse);
        var sneaky = oneR.ReadBack(0).Arrays[0].States.Data;
        var clean = oneTOneR.ReadBack(0).Arrays[0].States.Data;
        var representable = oneTOneR.ReadBack(0).Weights;

        // With access transistors a read is the device itself.
        Assert.Equal(clean, oneTOneR.ReadBack(0).Arrays[0].States.Data);
        Assert.Equal(oneTOneR.Program(0, w, WriteVerifyOptions.SinglePulse).Representable!.Data, representable.Data);
        for (var k = 0; k < clean.Length; k++)
        {
            Assert.True(sneaky[k] > clean[k], $"cell {k}: passive read {sneaky[k]} should exceed {clean[k]}");
        }
    }

    [Fact]
    public void ProgrammingSelectedWeightsLeavesEveryOtherDeviceAlone()
    {
        using var chip = new EmulatedChip(NoisyPcm(16, 16), 2);
        var first = chip.Program(0, TestBench.RandomWeights(16, 16, 1), WriteVerifyOptions.SinglePulse);
        var before = chip.ReadBack(0);
        var targets = TestBench.ConstantWeights(16, 16, 0.9f);
        var only = new Grid<bool>(16, 16);
        only[3, 4] = true;
        only[10, 0] = true;

        var report = chip.Program(0, targets, WriteVerifyOptions.SinglePulse, only);
        var after = chip.ReadBack(0);

        Assert.Equal(4L, report.TotalPulses);
        Assert.Equal(0.9f, report.Targets![3, 4]);
        Assert.Equal(first.Targets![5, 5], report.Targets[5, 5]);
        for (var k = 0; k < 256; k++)
        {
            var selected = k == (3 * 16) + 4 || k == (10 * 16) + 0;
            Assert.Equal(selected ? 2 : 0, report.Pulses!.Data[k]);
            if (!selected)
            {
                Assert.Equal(before.Arrays[0].States.Data[k], after.Arrays[0].States.Data[k]);
                Assert.Equal(before.Arrays[1].States.Data[k], after.Arrays[1].States.Data[k]);
            }
        }

        Assert.InRange(after.Weights[3, 4], 0.6f, 1.2f);
    }

    [Fact]
    public void SinglePulseProgrammingIsDeterministicAndPinsStuckDevices()
    {
        var preset = NoisyPcm(64, 64) with { Pcm = TestBench.PcmOnly(programming: true) with { StuckAt = true, StuckOffFraction = 0.05, StuckOnFraction = 0.05 } };
        var w = TestBench.ConstantWeights(64, 64, 0.5f);
        using var a = new EmulatedChip(preset, 3);
        using var b = new EmulatedChip(preset, 3);

        var first = a.Program(0, w, WriteVerifyOptions.SinglePulse);
        var second = b.Program(0, w, WriteVerifyOptions.SinglePulse);

        Assert.Equal(first.Achieved!.Data, second.Achieved!.Data);
        Assert.Equal(first.Representable!.Data, second.Representable!.Data);
        Assert.Equal(2L * 64 * 64, first.TotalPulses);
        Assert.All(first.Pulses!.Data, p => Assert.Equal(2, p));
        Assert.Empty(first.Unconverged);

        // G+ aims at 0.5 and G- at 0: a stuck-on G+ reads exactly 1, a stuck-off one exactly 0, and a healthy one
        // spreads around 0.5 without landing on either.
        var plus = a.ReadBack(0).Arrays[0].States.Data;
        var on = plus.Count(g => g == 1f);
        var off = plus.Count(g => g == 0f);
        Assert.InRange(on, 100, 320);
        Assert.InRange(off, 100, 320);
        Assert.All(plus.Where(g => g is not (0f or 1f)), g => Assert.InRange(g, 0.3f, 0.7f));
    }

    [Fact]
    public void ReprogrammingDrawsFreshProgrammingNoise()
    {
        using var chip = new EmulatedChip(NoisyPcm(32, 32), 2);
        var w = TestBench.RandomWeights(32, 32, 1);

        var first = chip.Program(0, w, WriteVerifyOptions.SinglePulse);
        var second = chip.Program(0, w, WriteVerifyOptions.SinglePulse);

        Assert.Equal(first.Representable!.Data, second.Representable!.Data);
        Assert.NotEqual(first.Achieved!.Data, second.Achieved!.Data);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(-1.5f)]
    [InlineData(1.0001f)]
    public void WeightsOutsideTheNormalizedRangeAreRejectedWithTheirAddress(float bad)
    {
        using var chip = new EmulatedChip(NoisyPcm(8, 8), 2);
        var w = TestBench.ConstantWeights(4, 8, 0.25f);
        w[2, 5] = bad;
        w[3, 1] = bad;

        var error = Assert.Throws<AimcException>(() => chip.Program(0, w, WriteVerifyOptions.SinglePulse));

        Assert.Equal($"weight target {bad} at row 2, column 5 is outside [-1, 1]", error.Message);
    }

    [Fact]
    public void ExtremeWeightsAreAccepted()
    {
        using var chip = new EmulatedChip(TestBench.Preset(ComputationDomain.Current, 2, 2).Ideal(), 2);
        var w = new Grid<float>(2, 2, [1f, -1f, 0f, -0f]);

        var report = chip.Program(0, w, WriteVerifyOptions.SinglePulse);

        Assert.Equal(w.Data, report.Representable!.Data);
        Assert.Equal(w.Data, report.Achieved!.Data);
    }

    public static TheoryData<string> Devices() => ["pcm", "rram"];

    [Theory]
    [MemberData(nameof(Devices))]
    public void BulkEncodingAndDecodingMatchThePerWeightFormula(string name)
    {
        IDeviceModel device = name == "pcm" ? new PcmDevice() : new RramDevice();
        IWeightEncoding encoding = new DifferentialPairEncoding(device);
        var span = 1f - device.MinState;
        var weights = new float[1001];
        Numerics.SeededRandom.For(1, "encoding").FillUniform(weights, -1f, 1f);
        weights[0] = 1f;
        weights[1] = -1f;
        weights[2] = 0f;
        var targets = new[] { new float[weights.Length], new float[weights.Length] };

        encoding.Encode(weights, targets);
        var decoded = new float[weights.Length];
        encoding.Decode(targets, decoded);

        for (var k = 0; k < weights.Length; k++)
        {
            var w = Math.Clamp(weights[k], -1f, 1f);
            Assert.Equal(device.Quantize(device.MinState + (span * Math.Max(w, 0f))), targets[0][k]);
            Assert.Equal(device.Quantize(device.MinState + (span * Math.Max(-w, 0f))), targets[1][k]);
            Assert.Equal(encoding.Decode(targets, k), decoded[k]);
        }
    }
}
