using System.Device.Gpio;
using AimcHil.Core;
using AimcHil.Hardware.Buses;
using AimcHil.Rig.Direct;

namespace AimcHil.Rig.Tests.Direct;

/// <summary>DirectChip on recording buses: what it puts on the wires for an MVM, a PROGRAM and a read-back, how codes
/// become MAC units, and what it says when the rig does not match the chip.</summary>
public class DirectChipTests
{
    private static readonly Tc1Geometry TwoByTwo = new(2, 2, 1, 8);

    private static DirectRigConfig Mcp3008Rig(int dacChannels = 2, int adcChannels = 2, string adcPart = "mcp3008") => new()
    {
        DoneTimeoutMs = 100,
        MacFullScale = 8,
        Inputs = new InputStageConfig
        {
            MidVolts = 1.25,
            HalfSpanVolts = 1.25,
            Dacs = [new ConverterConfig { Part = "ad5676", Bus = 1, ChipSelect = 0, ReferenceVolts = 2.5, ChannelsUsed = dacChannels }],
        },
        Outputs = new OutputStageConfig
        {
            MidVolts = 1.65,
            HalfSpanVolts = 1.65,
            Adcs = [new ConverterConfig { Part = adcPart, Bus = 2, ChipSelect = 0, ReferenceVolts = 3.3, ChannelsUsed = adcChannels }],
        },
    };

    private static DirectRigConfig Ad7606Rig() => Mcp3008Rig() with
    {
        Outputs = new OutputStageConfig
        {
            MidVolts = 0,
            HalfSpanVolts = 5,
            Adcs =
            [
                new ConverterConfig { Part = "ad7606", Bus = 2, ChipSelect = 0, RangeVolts = 5, ChannelsUsed = 1, ConvstLine = 5, BusyLine = 6 },
                new ConverterConfig { Part = "ad7606", Bus = 2, ChipSelect = 1, RangeVolts = 5, ChannelsUsed = 1, ConvstLine = 5, BusyLine = 13 },
            ],
        },
    };

    [Fact]
    public void AnMvmSampleIsOneDacMessageStartDoneOneScanPerAdcAndStartLow()
    {
        var config = Mcp3008Rig();
        var bench = new ScriptedBench(config, TwoByTwo) { ColumnVolts = col => col == 0 ? 612 * 3.3 / 1024 : 3.3 };
        using var chip = new DirectChip(config, bench);
        var inputs = new Grid<int>(2, 2, [127, -127, 0, 64]);

        var result = chip.Mvm(0, inputs);

        var dac = Assert.Single(bench.Dacs);
        Assert.Equal(2, dac.Recorded.Count);
        Assert.Equal(
            [[0x30, 0xFF, 0xFF], [0x31, 0x00, 0x00], [0x30, 0x80, 0x00], [0x31, 0xC0, 0x81]],
            dac.Frames);
        Assert.Equal(2, Assert.Single(bench.Adcs).Recorded.Count);
        Assert.Equal([PinValue.Low, PinValue.High, PinValue.Low, PinValue.High, PinValue.Low], bench.Fake.WritesTo(config.StartLine));
        Assert.Equal([612, 1023, 612, 1023], result.Codes.Data);
        Assert.Equal(2, result.SaturatedOutputs);
    }

    [Fact]
    public void MacIsVoltsFromMidOverHalfSpanTimesMacFullScale()
    {
        var config = Mcp3008Rig();
        var bench = new ScriptedBench(config, TwoByTwo) { ColumnVolts = col => col == 0 ? 612 * 3.3 / 1024 : 0 };
        using var chip = new DirectChip(config, bench);

        var result = chip.Mvm(0, new Grid<int>(1, 2));

        // code × 3.3 / 1024 V; (V − 1.65) / 1.65 × 8 = code / 64 − 8.
        Assert.Equal(1.0 / 64, result.MacPerCode[0], 12);
        Assert.Equal(-8, result.MacOffset[0], 12);
        Assert.Equal(612 / 64.0 - 8, result.ToMac(0, 0), 12);
        Assert.Equal(-8, result.ToMac(0, 1), 12);
    }

    [Fact]
    public void Ad7606sSharingConvstArePulsedOnceAndScannedOneMessageEachPerSample()
    {
        var config = Ad7606Rig();
        var bench = new ScriptedBench(config, TwoByTwo) { ColumnVolts = col => col == 0 ? 2.5 : -5 };
        using var chip = new DirectChip(config, bench);

        var result = chip.Mvm(0, new Grid<int>(3, 2));

        Assert.All(bench.Adcs, adc => Assert.Equal(3, adc.Recorded.Count));
        Assert.All(bench.Adcs, adc => Assert.All(adc.Recorded, m => Assert.Equal(2, Assert.Single(m).Written.Length)));
        // Opened high once for both parts, then one low-high pulse per sample for both (they convert together).
        Assert.Equal([PinValue.High, PinValue.Low, PinValue.High, PinValue.Low, PinValue.High, PinValue.Low, PinValue.High], bench.Fake.WritesTo(5));
        Assert.Equal([16384, -32768, 16384, -32768, 16384, -32768], result.Codes.Data);
        Assert.Equal(3, result.SaturatedOutputs);
        Assert.Equal(4, result.ToMac(0, 0), 12);
    }

    [Fact]
    public void TileIsWrittenOnlyWhenItChanges()
    {
        var config = Mcp3008Rig();
        var bench = new ScriptedBench(config, TwoByTwo with { Tiles = 2 });
        using var chip = new DirectChip(config, bench);

        chip.Mvm(1, new Grid<int>(2, 2));
        chip.Mvm(1, new Grid<int>(2, 2));
        chip.Mvm(0, new Grid<int>(1, 2));

        Assert.Equal([[0x02, 0x10, 0x01], [0x02, 0x10, 0x00]], bench.Tc1!.Frames.Skip(2));
    }

    [Fact]
    public void ADoneThatNeverRisesNamesTheLinesAndLeavesStartLow()
    {
        var config = Mcp3008Rig() with { DoneTimeoutMs = 20 };
        var bench = new ScriptedBench(config, TwoByTwo) { DoneAnswers = false };
        using var chip = new DirectChip(config, bench);

        var e = Assert.Throws<AimcException>(() => chip.Mvm(0, new Grid<int>(1, 2)));

        Assert.Equal("TC1 on /dev/spidev0.0: DONE (line 21 of fake-gpiochip) did not rise within 20 ms of START (line 20); check the DONE and START wires and the chip's supplies, or raise done_timeout_ms in the rig file", e.Message);
        Assert.Equal(PinValue.Low, bench.Fake.WritesTo(config.StartLine)[^1]);
    }

    [Fact]
    public void ProgramSendsConfigMaskRowsAndCommandThenReadsTheReport()
    {
        var config = Mcp3008Rig();
        var bench = new ScriptedBench(config, TwoByTwo) { Unconverged = [new CellAddress(1, 0)], AchievedMiss = (r, c) => (short)(r == 1 && c == 0 ? 100 : 0) };
        using var chip = new DirectChip(config, bench);
        var opened = bench.Tc1!.Frames.Count;

        var report = chip.Program(0, new Grid<float>(2, 2, [1f, -1f, 0.5f, 0f]), WriteVerifyOptions.SinglePulse);

        byte[] reportRow0 = [0x02, 0x30, 0x00, 0x00];
        byte[] rowOf(byte register, int bytes) => [0x03, register, .. new byte[1 + bytes]];
        Assert.Equal(
            [
                [0x02, 0x10, 0x00],
                [0x02, 0x14, 0x00, 0x01, 0x00, 0x00],
                [0x02, 0x20, 0x02],
                [0x02, 0x11, 0x00, 0x00],
                [0x02, 0x12, 0x7F, 0xFF, 0x80, 0x01],
                [0x02, 0x12, 0x40, 0x00, 0x00, 0x00],
                [0x02, 0x20, 0x01],
                [0x03, 0x02, 0x00, 0x00],
                reportRow0, rowOf(0x31, 4), rowOf(0x31, 4),
                reportRow0, rowOf(0x32, 2), rowOf(0x32, 2),
                reportRow0, rowOf(0x34, 4), rowOf(0x34, 4),
                reportRow0, rowOf(0x35, 1), rowOf(0x35, 1),
                rowOf(0x33, 8),
            ],
            bench.Tc1.Frames.Skip(opened));
        Assert.Equal([1f, -1f, 16384 / 32767f, 0f], report.Representable!.Data);
        Assert.Equal([1f, -1f, 16284 / 32767f, 0f], report.Achieved!.Data);
        Assert.Equal([1, 2, 1, 2], report.Pulses!.Data);
        Assert.Equal(8, report.TotalPulses);
        Assert.Equal([new CellAddress(1, 0)], report.Unconverged);
    }

    [Fact]
    public void AReportWhoseCountAndRowsDisagreeIsRefused()
    {
        var config = Mcp3008Rig();
        var bench = new ScriptedBench(config, TwoByTwo) { Unconverged = [new CellAddress(0, 1)], UnconvergedCount = 2 };
        using var chip = new DirectChip(config, bench);

        var e = Assert.Throws<AimcException>(() => chip.Program(0, new Grid<float>(2, 2), WriteVerifyOptions.Default));

        Assert.Equal("TC1 on /dev/spidev0.0: PROGRAM_TOTALS counts 2 unconverged weights but the UNCONVERGED rows mark 1: the register interface is not reading back consistently (check the SPI wiring and clock)", e.Message);
    }

    [Fact]
    public void ProgrammingOnlySomeCellsWritesARowMaskPerRow()
    {
        var config = Mcp3008Rig();
        var bench = new ScriptedBench(config, TwoByTwo);
        using var chip = new DirectChip(config, bench);
        chip.Program(0, new Grid<float>(2, 2, [0.25f, 0.25f, 0.25f, 0.25f]), WriteVerifyOptions.Default);
        var before = bench.Tc1!.Frames.Count;

        var report = chip.Program(0, new Grid<float>(1, 1, [-0.5f]), WriteVerifyOptions.Default, new Grid<bool>(1, 1, [true]));

        Assert.Equal(
            [[0x02, 0x11, 0x00, 0x00], [0x02, 0x13, 0x01], [0x02, 0x11, 0x00, 0x01], [0x02, 0x13, 0x00]],
            bench.Tc1.Frames.Skip(before + 1).Take(4));
        Assert.Equal([-16384 / 32767f, 8192 / 32767f, 8192 / 32767f, 8192 / 32767f], report.Achieved!.Data);
    }

    [Fact]
    public void ReadBackReadsEveryArrayAndADifferentialPairGivesGPlusMinusGMinus()
    {
        var config = Mcp3008Rig();
        var bench = new ScriptedBench(config, TwoByTwo);
        using var chip = new DirectChip(config, bench);
        chip.Program(0, new Grid<float>(2, 2, [1f, -1f, 0.5f, 0f]), WriteVerifyOptions.Default);

        var states = chip.ReadBack(0);

        Assert.Equal(["G+", "G-"], states.Arrays.Select(a => a.Name));
        Assert.Equal([1f, 0f, 0.5f, 0f], states.Arrays[0].States.Data.Select(v => MathF.Round(v, 4)));
        Assert.Equal([1f, -1f, 0.5f, 0f], states.Weights.Data.Select(v => MathF.Round(v, 4)));
    }

    [Fact]
    public void InfoDescribesTheGeometryTheConvertersAndTheTransport()
    {
        var config = Mcp3008Rig();
        using var chip = new DirectChip(config, new ScriptedBench(config, TwoByTwo));

        Assert.Equal((2, 2, 1, 8, 10, 0, 1023), (chip.Info.Rows, chip.Info.Cols, chip.Info.Tiles, chip.Info.DacBits, chip.Info.AdcBits, chip.Info.AdcCodeMin, chip.Info.AdcCodeMax));
        Assert.Equal("direct: TC1 on /dev/spidev0.0", chip.Info.Transport);
        Assert.Equal(8, chip.Info.MacFullScale);
        Assert.Equal(127, chip.Info.InputCodeMax);
    }

    [Fact]
    public void TheClockIsTheWallsAndRefusesToAdvance()
    {
        var config = Mcp3008Rig();
        using var chip = new DirectChip(config, new ScriptedBench(config, TwoByTwo));

        var e = Assert.Throws<AimcException>(() => chip.Clock.Advance(60));

        Assert.False(chip.Clock.IsVirtual);
        Assert.Equal("TC1 on /dev/spidev0.0: runs in wall-clock time, which cannot be advanced; wait 60 s instead, or use an emulator rig to fast-forward drift", e.Message);
    }

    [Fact]
    public void MoreRowsThanDacChannelsIsRefusedAtOpen()
    {
        var config = Mcp3008Rig(dacChannels: 2);
        var bench = new ScriptedBench(config, TwoByTwo with { Rows = 16 });

        var e = Assert.Throws<AimcException>(() => new DirectChip(config, bench));

        Assert.Equal("TC1 on /dev/spidev0.0: the chip has 16 rows and the rig file's DACs carry 2 channels (direct.inputs.dacs); add DAC parts or channels_used", e.Message);
        Assert.True(bench.Disposed);
    }

    [Fact]
    public void MoreColumnsThanAdcChannelsIsRefusedAtOpen()
    {
        var config = Mcp3008Rig(adcChannels: 1);

        var e = Assert.Throws<AimcException>(() => new DirectChip(config, new ScriptedBench(config, TwoByTwo)));

        Assert.Equal("TC1 on /dev/spidev0.0: the chip has 2 columns and the rig file's ADCs carry 1 channels (direct.outputs.adcs); add ADC parts or channels_used", e.Message);
    }

    [Fact]
    public void AnUnknownPartListsTheAllowedOnes()
    {
        var config = Mcp3008Rig(adcPart: "max11131");

        var e = Assert.Throws<AimcException>(() => new DirectChip(config, new ScriptedBench(config, TwoByTwo)));

        Assert.Equal("direct.outputs.adcs[0]: part 'max11131' is not an ADC this version drives; allowed: mcp3008, mcp3208, ads1115, ads8688, ad7606, iot:mcp3008, iot:ads1115", e.Message);
    }

    [Fact]
    public void AWrongIdIsRefusedAtOpen()
    {
        var config = Mcp3008Rig();
        var bench = new ScriptedBench(config, TwoByTwo) { Id = 0 };

        var e = Assert.Throws<AimcException>(() => new DirectChip(config, bench));

        Assert.Equal("TC1 on /dev/spidev0.0: ID reads 0x0000, expected 0x7C01: is the chip powered and on chip select 0?", e.Message);
    }

    [Fact]
    public void InputCodesBeyondTheChipsWidthAreRefused()
    {
        var config = Mcp3008Rig();
        using var chip = new DirectChip(config, new ScriptedBench(config, TwoByTwo));

        var e = Assert.Throws<AimcException>(() => chip.Mvm(0, new Grid<int>(1, 2, [128, 0])));

        Assert.Equal("input code 128 is outside ±127 (8-bit signed inputs)", e.Message);
    }

    [Fact]
    public void DisposingTheChipDisposesItsBuses()
    {
        var config = Mcp3008Rig();
        var bench = new ScriptedBench(config, TwoByTwo);

        new DirectChip(config, bench).Dispose();

        Assert.True(bench.Disposed);
    }
}
