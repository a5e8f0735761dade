using AimcHil.Characterization.Datasets;
using AimcHil.Core;

namespace AimcHil.Characterization.Procedures;

/// <summary>The signature of word- and bit-line resistance: a tile of uniform weights read with one row active at a
/// time (at rows spread over the tile: the output of every column against the row's and the column's position) and
/// with the first k rows active (k = 1, 2, 4, … rows, the input scaled to stay inside the ADC range); then the same
/// drives with only the first half of the columns holding the weight, which halves the word lines' load and leaves
/// the bit lines' as it was: what tells word-line from bit-line resistance apart.</summary>
public sealed class IrDropProcedure(IrDropSettings settings) : Procedure
{
    public override string Name => "ir-drop";

    public IrDropSettings Settings { get; } = settings;

    public override string SettingsJson => ToJson(Settings);

    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        Setpoint("tile", "", "tile measured"),
        Setpoint("pattern", "", "0: the weight on every cell; 1: on the first half of the columns only"),
        Setpoint("active_row", "", "the one row driven, or −1 when the first active_rows rows are"),
        Setpoint("active_rows", "", "rows driven"),
        Setpoint("input_code", "code", "DAC code on every driven row"),
        Setpoint("target_weight", "normalized", "weights programmed (first point)", "rows,cols"),
        Measured("read_weight", "normalized", ["tile", "target_weight"], "weights read back after programming (first point)", "rows,cols"),
        Measured("read_state", "normalized", ["tile", "target_weight"], "every device's read-back after programming, on a passive array only (first point): what the calibration inverts for the states write-verify could not place", "arrays,rows,cols"),
        Measured("device_full_scale", "S", ["tile"], "physical state of a device at normalized 1.0, in the unit the chip reports (first point)"),
        Measured("mac_per_code", "MAC", ["tile"], "the chip's code-to-MAC scale per column (first point)", "cols"),
        Measured("mac_offset", "MAC", ["tile"], "the chip's MAC at code 0 per column (first point)", "cols"),
        Measured("adc_code", "code", ["tile", "active_row", "active_rows", "input_code", "read_weight"], "ADC codes of repeated MVMs", "repeats,cols"),
    ];

    /// <summary>The drives measured after the programming point: (active row or −1, active rows, input code).</summary>
    public static IReadOnlyList<(int Row, int Rows, int Code)> Drives(ChipInfo chip, IrDropSettings settings)
    {
        var drives = new List<(int, int, int)>();
        var positions = Math.Clamp(settings.RowPositions, 1, chip.Rows);
        foreach (var row in Enumerable.Range(0, positions).Select(p => positions == 1 ? 0 : (int)Math.Round((double)p * (chip.Rows - 1) / (positions - 1))).Distinct())
        {
            drives.Add((row, 1, CodeFor(chip, settings, 1)));
        }

        for (var k = 1; ; k *= 2)
        {
            var rows = Math.Min(k, chip.Rows);
            drives.Add((-1, rows, CodeFor(chip, settings, rows)));
            if (rows == chip.Rows)
            {
                break;
            }
        }

        return drives;
    }

    /// <summary>The largest code keeping k rows of the uniform weight within three quarters of the ADC range.</summary>
    private static int CodeFor(ChipInfo chip, IrDropSettings settings, int rows)
    {
        var code = (int)Math.Floor(0.75 * chip.MacFullScale * chip.InputCodeMax / (rows * Math.Abs(settings.Weight)));
        return Math.Clamp(code, 1, chip.InputCodeMax);
    }

    public override IReadOnlyList<MeasurementBlock> Plan(ChipInfo chip)
    {
        var tile = TilesOn(chip, [Settings.Tile])[0];
        if (!(Math.Abs(Settings.Weight) is > 0 and <= 1))
        {
            throw new AimcException($"ir-drop weight must be in (0, 1], not {Settings.Weight}");
        }

        var points = Drives(chip, Settings).Count + 1;
        return
        [
            new MeasurementBlock($"tile {tile}, every column", 0, points, ctx => Measure(ctx, chip, tile, 0)),
            new MeasurementBlock($"tile {tile}, half the columns", points, points, ctx => Measure(ctx, chip, tile, 1)),
        ];
    }

    /// <summary>The programmed weights: <paramref name="pattern"/> 0 every cell, 1 the first half of the columns.</summary>
    public static Grid<float> Pattern(ChipInfo chip, IrDropSettings settings, int pattern)
    {
        var targets = new Grid<float>(chip.Rows, chip.Cols);
        var loaded = pattern == 0 ? chip.Cols : Math.Max(1, chip.Cols / 2);
        for (var i = 0; i < chip.Rows; i++)
        {
            targets.Row(i)[..loaded].Fill((float)settings.Weight);
        }

        return targets;
    }

    private void Measure(BlockContext ctx, ChipInfo chip, int tile, int pattern)
    {
        var targets = Pattern(chip, Settings, pattern);
        ctx.Program(tile, targets, WriteVerifyOptions.Default);
        var states = ctx.Chip.ReadBack(tile);
        var arrays = Readings.ProgrammedTile(ctx.Chip, tile, targets, states);

        ctx.Record(0, new Dictionary<string, double> { ["tile"] = tile, ["pattern"] = pattern, ["device_full_scale"] = states.Arrays[0].FullScale }, arrays);
        var drives = Drives(chip, Settings);
        for (var d = 0; d < drives.Count; d++)
        {
            if (ctx.Skip(d + 1))
            {
                continue;
            }

            var (activeRow, activeRows, code) = drives[d];
            var row = new int[chip.Rows];
            if (activeRow >= 0)
            {
                row[activeRow] = code;
            }
            else
            {
                Array.Fill(row, code, 0, activeRows);
            }

            var result = ctx.Chip.Mvm(tile, Readings.Repeated(row, Settings.Repeats));
            ctx.Record(
                d + 1,
                new Dictionary<string, double> { ["tile"] = tile, ["pattern"] = pattern, ["active_row"] = activeRow, ["active_rows"] = activeRows, ["input_code"] = code },
                new Dictionary<string, PointArray> { ["adc_code"] = Readings.Of(result.Codes) });
        }
    }
}
