using AimcHil.Characterization.Datasets;
using AimcHil.Core;

namespace AimcHil.Characterization.Procedures;

/// <summary>The MVM transfer of every column: each column holds weight 1 on a few rows spread down the tile (no row
/// carries many cells, so the lines barely load), every row is driven with the same input code, and the code is swept
/// over the DAC's whole range: gain, offset, INL, DNL and the saturation points of each column's read-out.</summary>
public sealed class TransferProcedure(TransferSettings settings) : Procedure
{
    public override string Name => "transfer";

    public TransferSettings Settings { get; } = settings;

    public override string SettingsJson => ToJson(Settings);

    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        Setpoint("tile", "", "tile measured"),
        Setpoint("input_code", "code", "DAC code on every row"),
        Setpoint("target_weight", "normalized", "weights programmed (first point of a tile)", "rows,cols"),
        Measured("read_weight", "normalized", ["tile", "target_weight"], "weights read back after programming (first point of a tile)", "rows,cols"),
        Measured("read_state", "normalized", ["tile", "target_weight"], "every device's read-back after programming, on a passive array only (first point): what the calibration inverts for the states write-verify could not place", "arrays,rows,cols"),
        Measured("mac_per_code", "MAC", ["tile"], "the chip's own code-to-MAC scale per column (first point of a tile)", "cols"),
        Measured("mac_offset", "MAC", ["tile"], "the chip's own MAC at code 0 per column (first point of a tile)", "cols"),
        Measured("adc_code", "code", ["tile", "input_code", "read_weight"], "ADC codes of repeated MVMs", "repeats,cols"),
    ];

    /// <summary>Active cells per column: enough that full-scale input overdrives the ADC by a quarter (saturation is
    /// part of the transfer), at most every row.</summary>
    public static int CellsPerColumn(ChipInfo chip, TransferSettings settings) =>
        settings.CellsPerColumn > 0 ? Math.Min(settings.CellsPerColumn, chip.Rows) : Math.Clamp((int)Math.Ceiling(1.25 * chip.MacFullScale), 1, chip.Rows);

    public static Grid<float> Pattern(ChipInfo chip, TransferSettings settings)
    {
        var k = CellsPerColumn(chip, settings);
        var grid = new Grid<float>(chip.Rows, chip.Cols);
        for (var j = 0; j < chip.Cols; j++)
        {
            for (var m = 0; m < k; m++)
            {
                grid[(int)((j + ((long)m * chip.Rows / k)) % chip.Rows), j] = 1f;
            }
        }

        return grid;
    }

    /// <summary>The swept input codes, from −max to max.</summary>
    public static int[] Codes(ChipInfo chip, TransferSettings settings)
    {
        var step = Math.Max(1, settings.InputStep);
        var codes = new List<int>();
        for (var c = -chip.InputCodeMax; c <= chip.InputCodeMax; c += step)
        {
            codes.Add(c);
        }

        return codes.ToArray();
    }

    public override IReadOnlyList<MeasurementBlock> Plan(ChipInfo chip)
    {
        var tiles = TilesOn(chip, Settings.Tiles);
        var points = Codes(chip, Settings).Length + 1;
        return tiles.Select((tile, b) => new MeasurementBlock($"tile {tile}", (long)b * points, points, ctx => Measure(ctx, chip, tile))).ToList();
    }

    private void Measure(BlockContext ctx, ChipInfo chip, int tile)
    {
        var targets = Pattern(chip, Settings);
        ctx.Program(tile, targets, new WriteVerifyOptions(true, Settings.Tolerance, Settings.MaxPulsesPerCell));
        var states = ctx.Chip.ReadBack(tile);
        var codes = Codes(chip, Settings);
        var arrays = Readings.ProgrammedTile(ctx.Chip, tile, targets, states);

        ctx.Record(0, new Dictionary<string, double> { ["tile"] = tile }, arrays);
        for (var k = 0; k < codes.Length; k++)
        {
            if (ctx.Skip(k + 1))
            {
                continue;
            }

            var row = new int[chip.Rows];
            Array.Fill(row, codes[k]);
            var result = ctx.Chip.Mvm(tile, Readings.Repeated(row, Settings.Repeats));
            ctx.Record(k + 1, new Dictionary<string, double> { ["tile"] = tile, ["input_code"] = codes[k] }, new Dictionary<string, PointArray> { ["adc_code"] = Readings.Of(result.Codes) });
        }
    }
}
