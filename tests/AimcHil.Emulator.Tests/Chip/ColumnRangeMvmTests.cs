using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Domains;
using AimcHil.Emulator.Periphery;
using AimcHil.Numerics;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>An MVM over a column range is those columns of the full MVM, bit for bit, and leaves the chip where the
/// full MVM leaves it: a run that asks for fewer columns keeps its statistics and its determinism.</summary>
public class ColumnRangeMvmTests
{
    private const int Rows = 64;
    private const int Cols = 48;

    public static TheoryData<string> Presets => ["pcm-current", "pcm-current-wires", "rram-charge", "time", "charge-redistribution"];

    /// <summary>Every non-ideality that touches an output: programming and read noise, stuck cells, column gain and
    /// offset, an ADC range narrow enough to clip (and an INL bow), and per preset the domain's own output noise and
    /// rails.</summary>
    private static ChipPreset Named(string name)
    {
        var pcm = TestBench.Preset(ComputationDomain.Current, Rows, Cols) with
        {
            Pcm = new PcmConfig { Drift = false, StuckAt = true, StuckOffFraction = 0.05, StuckOnFraction = 0.02 },
            ColumnMismatch = new ColumnMismatchConfig { GainSigma = 0.1, OffsetSigmaFullScale = 0.02 },
            Adc = new AdcConfig { Bits = 8, RangeMac = 3, InlPeakLsb = 0.7 },
        };
        return name switch
        {
            "pcm-current" => pcm,
            "pcm-current-wires" => pcm with { Wires = new WireConfig { WordSegmentOhm = 2, BitSegmentOhm = 2 } },
            // The integrator's rail at the ADC's range (3.6 V is 2 MAC) and kT/C noise on every conversion.
            "rram-charge" => TestBench.Preset(ComputationDomain.Charge, Rows, Cols) with
            {
                Charge = new ChargeDomainConfig { Saturation = true, KtcNoise = true, RailVolts = 3.6 },
                Adc = new AdcConfig { Bits = 8, RangeMac = 2 },
                ColumnMismatch = new ColumnMismatchConfig { GainSigma = 0.1, OffsetSigmaFullScale = 0.02 },
            },
            // Jitter that grows with the output: noise whose variance depends on the noiseless value.
            "time" => TestBench.Preset(ComputationDomain.TimeDomain, Rows, Cols),
            // Several phases per MVM: computed in full and sliced.
            _ => TestBench.Preset(ComputationDomain.ChargeRedistribution, Rows, Cols),
        };
    }

    public static TheoryData<int, int> Ranges => new()
    {
        { 0, 1 }, { 0, 8 }, { 3, 10 }, { 47, 1 }, { 40, 8 }, { 17, 25 }, { 0, 48 },
    };

    [Theory]
    [MemberData(nameof(Presets))]
    public void ARangeIsThoseColumnsOfTheFullMvmAndTheNextMvmsAgree(string preset)
    {
        using var full = new EmulatedChip(Named(preset), 5);
        using var ranged = new EmulatedChip(Named(preset), 5);
        var weights = TestBench.RandomWeights(Rows, Cols, 21);
        full.Program(0, weights, WriteVerifyOptions.SinglePulse);
        ranged.Program(0, weights, WriteVerifyOptions.SinglePulse);

        // 3 samples: ranges whose outputs (3 × 10, 3 × 25) do not fill whole vectors of the ADC, padded.
        foreach (var batch in new[] { 8, 3 })
        {
            foreach (var (start, count) in new[] { (0, 1), (0, 8), (3, 10), (47, 1), (40, 8), (17, 25), (0, 48) })
            {
                var x = TestBench.RandomInputs(batch, Rows - (start % 5), 127, (ulong)(start + (100 * count)));
                var whole = full.Mvm(0, x);
                var part = ranged.Mvm(0, x, new ColumnRange(start, count));
                Assert.Equal(batch, part.Codes.Rows);
                Assert.Equal(count, part.Codes.Cols);
                for (var s = 0; s < batch; s++)
                {
                    Assert.Equal(whole.Codes.Row(s).Slice(start, count).ToArray(), part.Codes.Row(s).ToArray());
                }

                Assert.Equal(whole.MacPerCode.AsSpan(start, count).ToArray(), part.MacPerCode);
                Assert.Equal(whole.MacOffset.AsSpan(start, count).ToArray(), part.MacOffset);
                Assert.Equal(full.Clock.Seconds, ranged.Clock.Seconds);
            }

            // The read stream and the held noise moved alike: the next full MVMs are equal.
            var next = TestBench.RandomInputs(batch, Rows, 127, 77);
            Assert.Equal(full.Mvm(0, next).Codes.Data, ranged.Mvm(0, next).Codes.Data);
        }
    }

    /// <summary>Before the ADC, where rounding hides nothing: the analog values of a range are the full evaluation's
    /// bit for bit, on a 256-column tile as lenet's layers use it, and the read stream ends where the full one does.</summary>
    [Theory]
    [InlineData("pcm-current", 25, 0, 8)]
    [InlineData("pcm-current", 200, 0, 16)]
    [InlineData("pcm-current", 256, 0, 10)]
    [InlineData("pcm-current", 256, 100, 30)]
    [InlineData("rram-charge", 200, 250, 6)]
    [InlineData("time", 64, 3, 64)]
    public void AnalogValuesOfARangeAreTheFullEvaluationsBitForBit(string preset, int inputs, int first, int count)
    {
        using var chip = new EmulatedChip(Named(preset) with { Rows = 256, Cols = 256 }, 4);
        chip.Program(0, TestBench.RandomWeights(256, 256, 3), WriteVerifyOptions.SinglePulse);
        var view = chip.ComputeView(0);
        const int Batch = 64;
        var features = new float[Batch * inputs];
        new SeededRandom(6).FillUniform(features, -1f, 1f);
        var full = new float[Batch * 256];
        var part = new float[Batch * count];
        var fullRng = new SeededRandom(8);
        var partRng = new SeededRandom(8);
        view.Evaluate(features, Batch, inputs, full, fullRng);
        view.EvaluateColumns(features, Batch, inputs, first, count, part, partRng);
        for (var s = 0; s < Batch; s++)
        {
            Assert.Equal(full.AsSpan((s * 256) + first, count).ToArray(), part.AsSpan(s * count, count).ToArray());
        }

        var next = new float[3];
        var nextAfterPart = new float[3];
        fullRng.FillStandardNormal(next);
        partRng.FillStandardNormal(nextAfterPart);
        Assert.Equal(next, nextAfterPart);
    }

    /// <summary>The emulator counts the saturated outputs of the range it computed: over a partition of the columns,
    /// each part measured from the same state, the counts add up to the full MVM's.</summary>
    [Theory]
    [InlineData("pcm-current")]
    [InlineData("rram-charge")]
    public void SaturatedOutputsOfAPartitionAddUpToTheFullMvms(string preset)
    {
        var weights = TestBench.RandomWeights(Rows, Cols, 21);
        var x = TestBench.RandomInputs(16, Rows, 127, 8);
        EmulatedChip Programmed()
        {
            var chip = new EmulatedChip(Named(preset), 9);
            chip.Program(0, weights, WriteVerifyOptions.SinglePulse);
            return chip;
        }

        int fullCount;
        using (var chip = Programmed())
        {
            fullCount = chip.Mvm(0, x).SaturatedOutputs;
        }

        var sum = 0;
        foreach (var (start, count) in new[] { (0, 5), (5, 19), (24, 24) })
        {
            using var chip = Programmed();
            var part = chip.Mvm(0, x, new ColumnRange(start, count));
            Assert.InRange(part.SaturatedOutputs, 0, 16 * count);
            sum += part.SaturatedOutputs;
        }

        Assert.True(fullCount > 0, "the preset must clip some outputs for the count to be tested");
        Assert.Equal(fullCount, sum);
    }

    [Fact]
    public void ARangeBeyondTheTileIsRefused()
    {
        using var chip = new EmulatedChip(Named("pcm-current"), 1);
        var x = TestBench.RandomInputs(2, Rows, 127, 1);
        var error = Assert.Throws<AimcException>(() => chip.Mvm(0, x, new ColumnRange(40, 9)));
        Assert.Equal("columns 40 to 48 are outside the tile's 48 columns (0 to 47)", error.Message);
    }
}
