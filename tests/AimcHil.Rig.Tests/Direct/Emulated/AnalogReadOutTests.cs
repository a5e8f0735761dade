using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Emulator.Periphery;
using AimcHil.Numerics;
using AimcHil.Rig.Direct;
using AimcHil.Rig.Direct.Emulated;

namespace AimcHil.Rig.Tests.Direct.Emulated;

/// <summary>TC1's outputs are analog (hil-rigs/direct-tc1.md): the emulated chip behind it presents its values before
/// any column ADC, the board's ADC is the one quantizer of the read-out, every clip on the way (the output buffers'
/// rails, the ADC's range) is a saturated output, and the word-line codes cross the 16-bit DACs exactly.</summary>
public class AnalogReadOutTests
{
    private const ulong Seed = 3;

    /// <summary>The AD7606's LSB in MAC on direct-emulated.yaml: ±5 V over 2^15 codes a side, ±5 V = ±8 MAC.</summary>
    private const double Ad7606LsbMac = 8.0 / 32768;

    /// <summary>float32 carries 24 bits: the emulator's sums of 32 products are good to 2^-23 of the 8 MAC full
    /// scale (about 1e-6 MAC, 0.004 of the AD7606's LSB); what it loses is arithmetic, not a converter.</summary>
    private const double Float32Mac = 8.0 / (1 << 23);

    private static RigFile Rig() => RigFileReader.Read(Path.Combine(RepositoryPaths.Rigs, "direct-emulated.yaml"));

    /// <summary>direct-emulated.yaml's TC1 on its emulated buses, wired to <paramref name="preset"/> (ideal by default).</summary>
    private static Wired Open(DirectRigConfig? config = null, ChipPreset? preset = null)
    {
        var rig = Rig();
        config ??= rig.Direct!;
        var emulator = new EmulatedChip(preset ?? rig.Chip!.Ideal(), Seed);
        var bench = new EmulatedBench(config, emulator);
        return new Wired(new DirectChip(config, bench, DirectChipDescription.Of(emulator)), bench);
    }

    /// <summary>The host's chip and the emulated bench it drives (disposed with the chip).</summary>
    private sealed record Wired(DirectChip Chip, EmulatedBench Bench) : IDisposable
    {
        public void Dispose() => Chip.Dispose();
    }

    [Fact]
    public void AnIdealChipReadsWithinHalfAnAd7606LsbOfTheExactProduct()
    {
        using var wired = Open();
        var chip = wired.Chip;
        var weights = new Grid<float>(32, 16);
        SeededRandom.For(Seed, "test/weights").FillUniform(weights.Data, -0.7f, 0.7f);
        var x = new Grid<int>(64, 32);
        var rng = SeededRandom.For(Seed, "test/inputs");
        for (var k = 0; k < x.Data.Length; k++)
        {
            x.Data[k] = rng.NextInt(255) - 127;
        }

        var report = chip.Program(0, weights, WriteVerifyOptions.Default);
        var result = chip.Mvm(0, x);

        var exact = MvmError.Exact(report.Representable!, x, 127);
        var worst = 0.0;
        for (var s = 0; s < x.Rows; s++)
        {
            for (var j = 0; j < 16; j++)
            {
                Assert.Equal(Ad7606LsbMac, result.MacPerCode[j], 15);
                worst = Math.Max(worst, Math.Abs(result.ToMac(s, j) - exact[s, j]));
            }
        }

        // With the chip's own 8-bit ADC in the chain the worst error was 127.8 AD7606 LSB (half of 1/16 MAC).
        Assert.InRange(worst, 0, (Ad7606LsbMac / 2) + Float32Mac);
        Assert.Equal(0, result.SaturatedOutputs);
    }

    [Fact]
    public void EveryInputCodeCrossesTheDacsAndTheChipsRoundingExactly()
    {
        using var wired = Open();
        var (chip, bench) = (wired.Chip, wired.Bench);

        // 255 codes over 8 samples of 32 word lines; each sample is its own MVM, so the TC1 model shows what it sampled.
        for (var s = 0; s < 8; s++)
        {
            var codes = Enumerable.Range(0, 32).Select(i => Math.Min(-127 + (32 * s) + i, 127)).ToArray();
            chip.Mvm(0, new Grid<int>(1, 32, codes));
            Assert.Equal(codes, bench.Tc1.LastInputCodes);
        }
    }

    /// <summary>Columns 0 and 1 want ±32 MAC, four times the buffers' ±8 MAC; column 2 wants 0.32 MAC. Whether the
    /// buffers' span lies inside the AD7606's ±5 V (2.5 V), fills it (5 V) or exceeds it (10 V), the two clipped
    /// outputs of every sample are saturated and the third is a measurement.</summary>
    [Theory]
    [InlineData(2.5)]
    [InlineData(5.0)]
    [InlineData(10.0)]
    public void AnOutputClippedAnywhereInTheChainIsSaturated(double halfSpanVolts)
    {
        var rig = Rig();
        var config = rig.Direct! with { Outputs = rig.Direct.Outputs with { HalfSpanVolts = halfSpanVolts } };
        using var wired = Open(config);
        var (chip, bench) = (wired.Chip, wired.Bench);
        var weights = new Grid<float>(32, 16);
        for (var i = 0; i < 32; i++)
        {
            (weights[i, 0], weights[i, 1], weights[i, 2]) = (1, -1, 0.01f);
        }

        chip.Program(0, weights, WriteVerifyOptions.Default);
        var x = new Grid<int>(3, 32);
        Array.Fill(x.Data, 127);

        var result = chip.Mvm(0, x);

        Assert.Equal(6, result.SaturatedOutputs);
        Assert.Equal(6, bench.Tc1.BufferClippedOutputs);
        Assert.Equal(Math.Min(8, 8 * 5 / halfSpanVolts), result.ToMac(0, 0), 2);
        Assert.Equal(0.32, result.ToMac(0, 2), 3);
    }

    [Fact]
    public void TheBufferRailsInsideTheAdcRangeFlagOnlyTheCodesAtTheRail()
    {
        // Buffers at ±2.5 V into the AD7606's ±5 V: the rails read ±16384, far from the converter's own rails.
        var rig = Rig();
        var config = rig.Direct! with { Outputs = rig.Direct.Outputs with { HalfSpanVolts = 2.5 } };
        using var wired = Open(config);
        var chip = wired.Chip;
        var weights = new Grid<float>(32, 16);

        // 8 MAC exactly is the rail; 7.99 MAC is 41 LSB inside it.
        for (var i = 0; i < 32; i++)
        {
            (weights[i, 0], weights[i, 1], weights[i, 2]) = (0.25f, 7.99f / 32, -7.99f / 32);
        }

        var report = chip.Program(0, weights, WriteVerifyOptions.Default);
        var x = new Grid<int>(1, 32);
        Array.Fill(x.Data, 127);

        var result = chip.Mvm(0, x);

        Assert.Equal(16384, result.Codes[0, 0]);
        Assert.InRange(result.Codes[0, 1], 16300, 16383 - 10);
        Assert.Equal(1, result.SaturatedOutputs);
        Assert.Equal(report.Representable![0, 1] * 32, result.ToMac(0, 1), 3);
    }

    [Fact]
    public void InfoListsTheBoardsAdcAndTheBufferRailsAndNoChipAdc()
    {
        using var wired = Open(preset: Rig().Chip! with { Adc = new AdcConfig { Bits = 8, RangeMac = 8, InlPeakLsb = 1 } });
        var chip = wired.Chip;

        var effects = chip.Info.NonIdealities;

        var adc = Assert.Single(effects, e => e.Name == "adc_quantization");
        Assert.Equal((true, 16.0, "bit"), (adc.Enabled, adc.Value, adc.Unit));
        Assert.Equal("the board's AD7606 on the column outputs, 1 code = 0.0002441 MAC; TC1 has no ADC of its own", adc.Description);
        var clip = Assert.Single(effects, e => e.Name == "output_saturation");
        Assert.Equal((true, 8.0, "MAC"), (clip.Enabled, clip.Value, clip.Unit));
        Assert.Equal("outputs clip at the output buffers' rails, 0 ± 5 V = ±8 MAC", clip.Description);
        Assert.DoesNotContain(effects, e => e.Name == "adc_inl");
        Assert.Equal(["dac_quantization", "adc_quantization", "output_saturation"], effects.Take(3).Select(e => e.Name));
        Assert.Equal(16, chip.Info.AdcBits);
    }

    [Fact]
    public void AnAdcRangeInsideTheBuffersSpanIsWhereOutputsClip()
    {
        var rig = Rig();
        var config = rig.Direct! with { Outputs = rig.Direct.Outputs with { HalfSpanVolts = 10 } };
        using var wired = Open(config);
        var chip = wired.Chip;

        var clip = Assert.Single(chip.Info.NonIdealities, e => e.Name == "output_saturation");

        Assert.Equal(4, clip.Value, 12);
        Assert.Equal("outputs clip at the AD7606's range, inside the output buffers' rails (0 ± 10 V = ±8 MAC)", clip.Description);
    }

    [Fact]
    public void AChipThatDigitizesOnChipCannotSitBehindTc1()
    {
        var preset = new ChipPreset { Name = "cr", Domain = ComputationDomain.ChargeRedistribution, Device = DeviceTechnology.Sram, Rows = 32, Cols = 16, Adc = new AdcConfig { Bits = 5 } };
        using var emulator = new EmulatedChip(preset, Seed);

        var e = Assert.Throws<AimcException>(() => new EmulatedBench(Rig().Direct!, emulator));

        Assert.Equal("emulated direct rig: TC1's column outputs are analog (output buffers into the board's ADCs), and the chip's charge_redistribution domain digitizes every input and weight bit on chip: its outputs exist only as ADC codes; wire a chip whose domain has one analog output per column", e.Message);
    }

    [Fact]
    public void AChipWhoseAnalogRangeIsBelowTheBuffersIsRefused()
    {
        using var emulator = new EmulatedChip(Rig().Chip! with { Adc = new AdcConfig { Bits = 8, RangeMac = 4 } }, Seed);

        var e = Assert.Throws<AimcException>(() => new EmulatedBench(Rig().Direct!, emulator));

        Assert.Equal("emulated direct rig: the chip's analog outputs span ±4 MAC (chip.adc.range_mac) and the output buffers ±8 MAC (direct.mac_full_scale): an output the chip clips inside the buffers' span would read as a valid value; set chip.adc.range_mac to at least 8 or direct.mac_full_scale to at most 4", e.Message);
    }
}
