using AimcHil.Core;
using AimcHil.Emulator.Devices;
using AimcHil.Emulator.Domains;
using AimcHil.Emulator.Periphery;

namespace AimcHil.Emulator.Tests;

/// <summary>The range table: every numeric preset field says which values make sense, the check refuses NaN, infinities
/// and values outside, and the words a user reads come from the same attribute.</summary>
public class ValidRangeTests
{
    /// <summary>Every section present, so every field is reached.</summary>
    private static ChipPreset Full() => new()
    {
        Pcm = new PcmConfig(),
        Rram = new RramConfig(),
        Sram = new SramConfig(),
        Current = new CurrentDomainConfig(),
        Charge = new ChargeDomainConfig(),
        ChargeRedistribution = new ChargeRedistributionConfig(),
        CapacitiveDivision = new CapacitiveDivisionConfig(),
        ResistiveDivision = new ResistiveDivisionConfig(),
        TimeDomain = new TimeDomainConfig(),
    };

    [Fact]
    public void EveryNumericPresetFieldHasARange()
    {
        var fields = ValidRanges.Fields(typeof(ChipPreset)).ToList();

        Assert.Empty(fields.Where(f => f.Range is null).Select(f => f.Path));
        Assert.Contains(fields, f => f.Path == "column_mismatch.gain_sigma");
        Assert.Contains(fields, f => f.Path == "time_domain.jitter_kappa_root_seconds");
    }

    [Fact]
    public void TheDefaultsAreInRange() => Assert.Null(ValidRanges.FirstViolation(Full()));

    [Theory]
    [InlineData(0, double.PositiveInfinity, false, false, "must be a finite number ≥ 0")]
    [InlineData(0, double.PositiveInfinity, true, false, "must be a finite number > 0")]
    [InlineData(double.NegativeInfinity, double.PositiveInfinity, false, false, "must be a finite number")]
    [InlineData(0, 1, false, false, "must be a finite number from 0 to 1")]
    [InlineData(0, 1000, true, false, "must be a finite number > 0 and ≤ 1000")]
    public void RangesReadAsRules(double min, double max, bool minExclusive, bool maxExclusive, string rule) =>
        Assert.Equal(rule, new ValidRangeAttribute(min, max) { MinExclusive = minExclusive, MaxExclusive = maxExclusive }.Describe(wholeNumber: false));

    [Fact]
    public void WholeNumbersSayWholeNumber() => Assert.Equal("must be a whole number from 1 to 4096", new ValidRangeAttribute(1, 4096).Describe(wholeNumber: true));

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void NonFiniteValuesAreNeverInRange(double value) =>
        Assert.False(new ValidRangeAttribute(double.NegativeInfinity, double.PositiveInfinity).Admits(value));

    [Fact]
    public void TheBoundsAreInclusiveUnlessMarked()
    {
        var positive = new ValidRangeAttribute(0, 1) { MinExclusive = true };

        Assert.False(positive.Admits(0));
        Assert.True(positive.Admits(1));
        Assert.False(positive.Admits(1.0000001));
    }

    [Fact]
    public void ANaNSigmaIsNamedWithItsPathAndRule()
    {
        var preset = Full() with { ColumnMismatch = new ColumnMismatchConfig { GainSigma = double.NaN } };

        Assert.Equal("column_mismatch.gain_sigma = NaN: must be a finite number from 0 to 1", ValidRanges.FirstViolation(preset)!.Message);
    }

    /// <summary>Built in code, not from a file, the chip refuses the same nonsense: a NaN gain sigma made every output
    /// 0.0 before.</summary>
    [Theory]
    [InlineData("gain", "column_mismatch.gain_sigma = NaN: must be a finite number from 0 to 1")]
    [InlineData("inl", "adc.inl_peak_lsb = NaN: must be a finite number from -1024 to 1024")]
    [InlineData("read_volts", "current.read_volts = 0: must be a finite number > 0")]
    [InlineData("wire", "wires.word_segment_ohm = infinity: must be a finite number from 0 to 1000000")]
    [InlineData("rows", "rows = -1: must be a whole number from 1 to 4096")]
    [InlineData("stuck", "pcm.stuck_on_fraction + stuck_off_fraction = 1.2: must be at most 1 (a device is stuck one way or the other)")]
    public void TheChipRefusesNonsenseFromCodeToo(string field, string message)
    {
        var preset = field switch
        {
            "gain" => Full() with { ColumnMismatch = new ColumnMismatchConfig { GainSigma = double.NaN } },
            "inl" => Full() with { Adc = new AdcConfig { InlPeakLsb = double.NaN } },
            "read_volts" => Full() with { Current = new CurrentDomainConfig { ReadVolts = 0 } },
            "wire" => Full() with { Wires = new WireConfig { WordSegmentOhm = double.PositiveInfinity } },
            "rows" => Full() with { Rows = -1 },
            _ => Full() with { Pcm = new PcmConfig { StuckOnFraction = 0.6, StuckOffFraction = 0.6 } },
        };

        Assert.Equal(message, Assert.Throws<AimcException>(() => new EmulatedChip(preset, 1)).Message);
    }

    [Fact]
    public void AChipThatCannotFitIsRefusedWithTheNumbers()
    {
        var preset = new ChipPreset { Rows = 4096, Cols = 4096, Tiles = 1024 };

        var e = Assert.Throws<AimcException>(() => MemoryBudget.Check(preset, arrays: 2, availableBytes: 16e9));

        Assert.Equal("1024 tiles of 4096×4096 cells (2 device arrays each) need about 655.0 GB of memory and 16.0 GB are available: lower tiles, rows or cols (see hil-rigs/RIG-FILE.md, limits)", e.Message);
    }

    [Fact]
    public void TheBudgetCountsEveryDeviceArrayOfEveryTileAndOneComputeView() =>
        Assert.Equal((3 * 10 * ((2 * 17) + 4)) + (10 * 128), MemoryBudget.Needed(rows: 2, cols: 5, tiles: 3, arrays: 2));

    [Fact]
    public void AChipThatFitsIsAccepted() => MemoryBudget.Check(new ChipPreset { Rows = 256, Cols = 256, Tiles = 4 }, arrays: 2, availableBytes: 16e9);
}
