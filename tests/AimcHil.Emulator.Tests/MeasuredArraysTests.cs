using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Emulator.Periphery;
using AimcHil.Emulator.Tests.Chip;

namespace AimcHil.Emulator.Tests;

/// <summary>Measured per-chip arrays (column gain and offset, stuck map) replace the random fab draws, so a calibrated
/// twin reproduces a measured chip's fixed pattern; everything else the chip draws stays as it was.</summary>
public class MeasuredArraysTests
{
    // 4 × 3, ADC range ±4 MAC in 8 bits: one LSB is 4/128 = 1/32 MAC.
    private const double Lsb = 4.0 / 128;

    private static readonly float[][] Gain = [[1.5f, 0.5f, 1.2f]];

    // Fractions of ADC full scale (4 MAC): 0, +0.4 and −0.2 MAC.
    private static readonly float[][] Offset = [[0f, 0.1f, -0.05f]];

    private static ChipPreset Small() => TestBench.Preset(ComputationDomain.Current, 4, 3).Ideal();

    private static Grid<float> Weights() => new(4, 3, [
        1f, 0.5f, -0.5f,
        0.5f, 0.5f, 0f,
        0f, -1f, 0.25f,
        -0.25f, 0f, 1f,
    ]);

    [Fact]
    public void MeasuredGainAndOffsetScaleAndShiftEachColumn()
    {
        var preset = Small() with { ColumnMismatch = new ColumnMismatchConfig { MeasuredGain = Gain, MeasuredOffset = Offset } };
        using var chip = new EmulatedChip(preset, seed: 5);
        var report = chip.Program(0, Weights(), WriteVerifyOptions.SinglePulse);
        Assert.Equal(Weights().Data, report.Representable!.Data);

        // x = (1, 1, 1, 1): W·x = (1.25, 0, 0.75) → gain (1.875, 0, 0.9) + offset (0, 0.4, −0.2) = (1.875, 0.4, 0.7).
        // x = (1, −1, 0, 0): W·x = (0.5, 0, −0.5) → gain (0.75, 0, −0.6) + offset = (0.75, 0.4, −0.8).
        var max = chip.Info.InputCodeMax;
        var x = new Grid<int>(2, 4, [max, max, max, max, max, -max, 0, 0]);
        var result = chip.Mvm(0, x);

        double[] expected = [1.875, 0.4, 0.7, 0.75, 0.4, -0.8];
        for (var k = 0; k < expected.Length; k++)
        {
            var mac = (result.Codes.Data[k] * result.MacPerCode[k % 3]) + result.MacOffset[k % 3];
            Assert.InRange(mac, expected[k] - (Lsb / 2) - 1e-9, expected[k] + (Lsb / 2) + 1e-9);
        }

        // The codes themselves: 1.875·32 = 60, 0.4·32 = 12.8 → 13, 0.7·32 = 22.4 → 22, 24, 13, −25.6 → −26.
        Assert.Equal([60, 13, 22, 24, 13, -26], result.Codes.Data);
    }

    [Fact]
    public void AStuckMapPinsExactlyThoseDevicesAtTheRails()
    {
        // tiles × arrays (G+, G−) × rows × cols; 1 stuck off, 2 stuck on.
        var stuck = new sbyte[1 * 2 * 4 * 3];
        stuck[(0 * 12) + (1 * 3) + 2] = 2;
        stuck[(0 * 12) + (0 * 3) + 0] = 1;
        stuck[(1 * 12) + (3 * 3) + 0] = 2;
        var preset = Small() with { MeasuredStuck = stuck };
        using var chip = new EmulatedChip(preset, seed: 5);
        var w = new Grid<float>(4, 3);
        Array.Fill(w.Data, 0.5f);
        chip.Program(0, w, WriteVerifyOptions.SinglePulse);

        var states = chip.ReadBack(0);

        Assert.Equal(new HashSet<(int, int)> { (1, 2), (0, 0), (3, 0) }, chip.StuckDevices(0));
        var gPlus = states.Arrays[0].States;
        var gMinus = states.Arrays[1].States;
        Assert.Equal(1f, gPlus[1, 2]);
        Assert.Equal(0f, gPlus[0, 0]);
        Assert.Equal(1f, gMinus[3, 0]);
        var healthy = gPlus[2, 1];
        Assert.True(healthy is > 0f and < 1f, $"a healthy G+ holds {healthy}");
        for (var k = 0; k < 12; k++)
        {
            if (k is not 5 and not 0)
            {
                Assert.Equal(healthy, gPlus.Data[k]);
            }

            if (k != 9)
            {
                Assert.Equal(gMinus[2, 1], gMinus.Data[k]);
            }
        }

        Assert.Contains(chip.Info.NonIdealities, n => n.Name == "stuck_at" && n.Enabled && n.Description.EndsWith(" (measured)", StringComparison.Ordinal));
    }

    [Fact]
    public void MeasuredArraysLeaveEveryOtherDrawAsItWas()
    {
        // Random gains, offsets and stuck devices: a measured offset replaces the offsets only.
        var drawn = TestBench.Preset(ComputationDomain.Current, 16, 8) with
        {
            ColumnMismatch = new ColumnMismatchConfig { GainSigma = 0.1, OffsetSigmaFullScale = 0.02 },
            Pcm = TestBench.PcmOnly() with { StuckAt = true, StuckOnFraction = 0.1, StuckOffFraction = 0.1 },
        };
        var zeros = new[] { new float[8] };
        var measured = drawn with { ColumnMismatch = drawn.ColumnMismatch with { MeasuredOffset = zeros } };
        using var a = new EmulatedChip(drawn with { ColumnMismatch = drawn.ColumnMismatch with { OffsetSigmaFullScale = 0 } }, seed: 9);
        using var b = new EmulatedChip(measured, seed: 9);
        var w = TestBench.RandomWeights(16, 8, 1);
        var x = TestBench.RandomInputs(10, 16, a.Info.InputCodeMax, 2);
        a.Program(0, w, WriteVerifyOptions.SinglePulse);
        b.Program(0, w, WriteVerifyOptions.SinglePulse);

        Assert.Equal(a.StuckDevices(0), b.StuckDevices(0));
        Assert.NotEmpty(a.StuckDevices(0));
        Assert.Equal(a.Mvm(0, x).Codes.Data, b.Mvm(0, x).Codes.Data);
    }

    [Fact]
    public void InfoSaysWhichPatternsWereMeasuredAndFromWhere()
    {
        var preset = Small() with { ColumnMismatch = new ColumnMismatchConfig { MeasuredGain = Gain, GainFile = "twin.column-gain.npy", MeasuredOffset = Offset } };
        using var chip = new EmulatedChip(preset, seed: 1);

        var gain = Assert.Single(chip.Info.NonIdealities, n => n.Name == "column_gain_mismatch");
        var offset = Assert.Single(chip.Info.NonIdealities, n => n.Name == "column_offset_mismatch");
        Assert.True(gain.Enabled);
        Assert.Equal("per-column gain error, fixed pattern (measured, from twin.column-gain.npy)", gain.Description);
        Assert.Equal("per-column offset, fixed pattern (measured)", offset.Description);
    }

    [Fact]
    public void ThePresetWithoutNonIdealitiesDropsTheMeasuredArrays()
    {
        var preset = Small() with { ColumnMismatch = new ColumnMismatchConfig { MeasuredGain = Gain }, MeasuredStuck = new sbyte[24] };

        var ideal = preset.Ideal();

        Assert.Null(ideal.ColumnMismatch.MeasuredGain);
        Assert.Null(ideal.MeasuredStuck);
    }

    public static TheoryData<string, string> Mistakes() => new()
    {
        { "wrong-shape", "chip.column_mismatch.measured_gain: the measured array holds 2×3 but the chip has 1 tile of 3 columns" },
        { "zero-gain", "chip.column_mismatch.measured_gain: the measured array holds 0 at tile 0, column 1; a column gain must be finite and above 0" },
        { "nan-offset", "chip.column_mismatch.measured_offset: the measured array holds NaN at tile 0, column 2; a column offset must be finite" },
        { "stuck-code", "chip.measured_stuck: the measured array holds code 3 at tile 0, array 1 (G-), row 2, column 1; stuck codes are 0 healthy, 1 stuck off, 2 stuck on" },
        { "stuck-length", "chip.measured_stuck: the measured array holds 12 codes but the chip has 1 tile of 2 device arrays (G+, G-) of 4×3 devices" },
        { "bit-sliced", "chip.column_mismatch.measured_gain: the measured array: measured column gains need one conversion per column; the charge_redistribution domain converts 32 per output" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void ArraysThatDoNotFitTheChipAreRefusedInOneLine(string mistake, string message)
    {
        var stuck = new sbyte[24];
        stuck[12 + 7] = 3;
        var preset = mistake switch
        {
            "wrong-shape" => Small() with { ColumnMismatch = new ColumnMismatchConfig { MeasuredGain = [[1f, 1f, 1f], [1f, 1f, 1f]] } },
            "zero-gain" => Small() with { ColumnMismatch = new ColumnMismatchConfig { MeasuredGain = [[1f, 0f, 1f]] } },
            "nan-offset" => Small() with { ColumnMismatch = new ColumnMismatchConfig { MeasuredOffset = [[0f, 0f, float.NaN]] } },
            "stuck-code" => Small() with { MeasuredStuck = stuck },
            "stuck-length" => Small() with { MeasuredStuck = new sbyte[12] },
            "bit-sliced" => TestBench.Preset(ComputationDomain.ChargeRedistribution, 4, 3).Ideal() with { ColumnMismatch = new ColumnMismatchConfig { MeasuredGain = Gain } },
            _ => throw new ArgumentOutOfRangeException(nameof(mistake)),
        };

        var e = Assert.Throws<AimcException>(() => new EmulatedChip(preset, seed: 1));

        Assert.Equal(message, e.Message);
    }
}
