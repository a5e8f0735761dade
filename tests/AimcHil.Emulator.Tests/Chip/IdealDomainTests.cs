using AimcHil.Core;
using AimcHil.Emulator;

namespace AimcHil.Emulator.Tests.Chip;

/// <summary>First specification of every domain: with every non-ideality off, a tile returns W·x up to DAC/ADC
/// quantization, i.e. within half an output LSB, for W at the device's levels and x at the DAC codes.</summary>
public class IdealDomainTests
{
    public static TheoryData<ComputationDomain, int, int> DomainsAndSizes()
    {
        var data = new TheoryData<ComputationDomain, int, int>();
        foreach (var domain in Enum.GetValues<ComputationDomain>())
        {
            data.Add(domain, 1, 1);
            data.Add(domain, 7, 5);
            data.Add(domain, 64, 32);
            data.Add(domain, 200, 48);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DomainsAndSizes))]
    public void IdealChipIsExactWithinHalfAnLsb(ComputationDomain domain, int rows, int cols)
    {
        // A tile's outputs never pass ±rows MAC, and a converter whose top code lies beyond is refused; RangeFor's
        // floor of 4 MAC is beyond a 1-row tile, which gets the narrowest range whose top code 2^(b−1) − 1 reads
        // +rows exactly: rows·2^(b−1)/(2^(b−1) − 1). (Charge redistribution counts shares and has no range_mac.)
        var preset = TestBench.Preset(domain, rows, cols).Ideal();
        if (domain != ComputationDomain.ChargeRedistribution && preset.Adc.RangeMac > rows)
        {
            var half = 1 << (preset.Adc.Bits - 1);
            preset = preset with { Adc = preset.Adc with { RangeMac = rows * half / (half - 1.0) } };
        }

        using var chip = new EmulatedChip(preset, seed: 11);
        var w = TestBench.RandomWeights(rows, cols, 3);
        var x = TestBench.RandomInputs(40, rows, chip.Info.InputCodeMax, 4);

        var (error, result, _) = TestBench.Run(chip, w, x);

        Assert.Equal(0, result.SaturatedOutputs);
        Assert.True(error.MaxAbsLsb <= 0.5 + 1e-4, $"{domain} {rows}×{cols}: max error {error.MaxAbsLsb} LSB");
    }

    [Theory]
    [InlineData(ComputationDomain.Current)]
    [InlineData(ComputationDomain.CapacitiveDivision)]
    [InlineData(ComputationDomain.TimeDomain)]
    public void IdealChipWithPartialWeightsAndInputsPadsWithZeros(ComputationDomain domain)
    {
        using var chip = new EmulatedChip(TestBench.Preset(domain, 32, 16).Ideal(), seed: 1);
        var w = TestBench.RandomWeights(20, 9, 5);
        var x = TestBench.RandomInputs(8, 20, chip.Info.InputCodeMax, 6);

        var (error, result, report) = TestBench.Run(chip, w, x);

        Assert.Equal(16, result.Codes.Cols);
        Assert.Equal(0f, report.Representable![25, 12]);
        Assert.True(error.MaxAbsLsb <= 0.5 + 1e-4);
    }

    [Fact]
    public void SameSeedGivesTheSameCodesAndAnotherSeedDoesNot()
    {
        var preset = TestBench.Preset(ComputationDomain.Current, 64, 32);
        var w = TestBench.RandomWeights(64, 32, 1);
        var x = TestBench.RandomInputs(16, 64, 127, 2);
        int[] Codes(ulong seed)
        {
            using var chip = new EmulatedChip(preset, seed);
            chip.Program(0, w, WriteVerifyOptions.SinglePulse);
            return chip.Mvm(0, x).Codes.Data;
        }

        Assert.Equal(Codes(5), Codes(5));
        Assert.NotEqual(Codes(5), Codes(6));
    }
}
