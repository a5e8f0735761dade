using AimcHil.Characterization.Datasets;
using AimcHil.Core;

namespace AimcHil.Characterization.Procedures;

/// <summary>Programming accuracy: a tile of evenly spaced weight levels written once with a single pulse per device
/// (the device's own programming spread) and once with write-verify (pulses and misses), each read back at once.</summary>
public sealed class ProgrammingProcedure(ProgrammingSettings settings) : Procedure
{
    public override string Name => "programming";

    public ProgrammingSettings Settings { get; } = settings;

    public override string SettingsJson => ToJson(Settings);

    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        Setpoint("tile", "", "tile programmed"),
        Setpoint("write_verify", "", "1 when programmed with write-verify, 0 for a single pulse per device"),
        Setpoint("target_weight", "normalized", "weight target of every cell", "rows,cols"),
        Measured("read_weight", "normalized", ["tile", "write_verify", "target_weight"], "weights read back right after programming", "rows,cols"),
        Measured("read_state", "normalized", ["tile", "write_verify", "target_weight"], "device states read back right after programming", "arrays,rows,cols"),
        Measured("pulses", "count", ["tile", "write_verify", "target_weight"], "programming pulses spent on each weight", "rows,cols"),
        Measured("device_full_scale", "S", ["tile"], "physical state of a device at normalized 1.0, in the unit the chip reports"),
        Measured("total_pulses", "count", ["tile", "write_verify"], "pulses spent on the tile"),
        Measured("unconverged", "count", ["tile", "write_verify"], "weights out of tolerance when their pulse budget ran out"),
    ];

    public override IReadOnlyList<MeasurementBlock> Plan(ChipInfo chip)
    {
        var tile = TilesOn(chip, [Settings.Tile])[0];
        return
        [
            new MeasurementBlock("single pulse", 0, 1, ctx => Measure(ctx, chip, tile, WriteVerifyOptions.SinglePulse)),
            new MeasurementBlock("write-verify", 1, 1, ctx => Measure(ctx, chip, tile, new WriteVerifyOptions(true, Settings.Tolerance, Settings.MaxPulsesPerCell))),
        ];
    }

    private void Measure(BlockContext ctx, ChipInfo chip, int tile, WriteVerifyOptions options)
    {
        var targets = LevelPattern.Create(chip.Rows, chip.Cols, Settings.Levels);
        var report = ctx.Program(tile, targets, options, ProgrammingDetail.PerWeight);
        var states = ctx.Chip.ReadBack(tile);
        ctx.Record(
            0,
            new Dictionary<string, double>
            {
                ["tile"] = tile,
                ["write_verify"] = options.Enabled ? 1 : 0,
                ["device_full_scale"] = states.Arrays[0].FullScale,
                ["total_pulses"] = report.TotalPulses,
                ["unconverged"] = report.Unconverged.Count,
            },
            new Dictionary<string, PointArray>
            {
                ["target_weight"] = Readings.Of(targets),
                ["read_weight"] = Readings.Of(states.Weights),
                ["read_state"] = Readings.States(states),
                ["pulses"] = Readings.Of(report.PerWeightGrids().Pulses),
            });
    }
}
