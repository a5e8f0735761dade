using AimcHil.Characterization.Datasets;
using AimcHil.Core;

namespace AimcHil.Characterization.Procedures;

/// <summary>Finds devices that do not move: every tile programmed to +1 and then to −1 (so every device of a
/// differential pair is asked for both ends of its range) and read back each time.</summary>
public sealed class StuckProcedure(StuckSettings settings) : Procedure
{
    public override string Name => "stuck";

    public StuckSettings Settings { get; } = settings;

    public override string SettingsJson => ToJson(Settings);

    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        Setpoint("tile", "", "tile programmed"),
        Setpoint("weight", "normalized", "weight every cell was programmed to (+1 or −1)"),
        Measured("read_state", "normalized", ["tile", "weight"], "read-back state of every device, state / full scale", "arrays,rows,cols"),
    ];

    public override IReadOnlyList<MeasurementBlock> Plan(ChipInfo chip)
    {
        var tiles = TilesOn(chip, Settings.Tiles);
        return tiles.Select((tile, b) => new MeasurementBlock($"tile {tile}", 2L * b, 2, ctx => Measure(ctx, chip, tile))).ToList();
    }

    private static void Measure(BlockContext ctx, ChipInfo chip, int tile)
    {
        float[] ends = [1f, -1f];
        for (var k = 0; k < ends.Length; k++)
        {
            var targets = new Grid<float>(chip.Rows, chip.Cols);
            Array.Fill(targets.Data, ends[k]);
            ctx.Program(tile, targets, WriteVerifyOptions.SinglePulse);
            var states = ctx.Chip.ReadBack(tile);
            ctx.Record(k, new Dictionary<string, double> { ["tile"] = tile, ["weight"] = ends[k] }, new Dictionary<string, PointArray> { ["read_state"] = Readings.States(states) });
        }
    }
}
