using AimcHil.Characterization.Datasets;
using AimcHil.Core;

namespace AimcHil.Characterization.Procedures;

/// <summary>Device states read back at set ages after one programming of a level pattern: with a few ages and repeated
/// reads it measures read noise and its growth ("read-noise"); with many log-spaced ages, drift ("drift").</summary>
/// <remarks>Ages run on the chip's clock: the emulator's virtual clock jumps, hardware waits in real time.</remarks>
public sealed class TimedReadProcedure : Procedure
{
    private TimedReadProcedure(string name, TimedReadSettings settings)
    {
        Name = name;
        Settings = settings;
        if (settings.AgesSeconds.Length == 0 || settings.AgesSeconds.Any(a => !(a >= 0)) || settings.Repeats < 1)
        {
            throw new AimcException($"{name} needs at least one age ≥ 0 s and one read per age");
        }
    }

    /// <summary>Read noise: four reads at each of four ages a decade apart.</summary>
    public static TimedReadProcedure ReadNoise(TimedReadSettings? settings = null) =>
        new("read-noise", settings ?? new TimedReadSettings(AgesSeconds: [1, 10, 100, 1000], Repeats: 4));

    /// <summary>Drift: one read at each of eleven ages from 1 s to 10⁵ s, two per decade.</summary>
    public static TimedReadProcedure Drift(TimedReadSettings? settings = null) =>
        new("drift", settings ?? new TimedReadSettings(AgesSeconds: Enumerable.Range(0, 11).Select(k => Math.Round(Math.Pow(10, k / 2.0), 1)).ToArray(), Repeats: 1));

    public override string Name { get; }

    public TimedReadSettings Settings { get; }

    public override string SettingsJson => ToJson(Settings);

    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        Setpoint("tile", "", "tile programmed"),
        Setpoint("age_seconds", "s", "time since the programming ended, on the chip's clock"),
        Setpoint("repeat", "", "index of the read at this age"),
        Setpoint("target_weight", "normalized", "weight target of every cell (first point only)", "rows,cols"),
        Measured("read_state", "normalized", ["tile", "age_seconds", "repeat", "target_weight"], "device states read back", "arrays,rows,cols"),
    ];

    public override IReadOnlyList<MeasurementBlock> Plan(ChipInfo chip)
    {
        var tile = TilesOn(chip, [Settings.Tile])[0];
        var points = Settings.AgesSeconds.Length * Settings.Repeats;
        return [new MeasurementBlock($"tile {tile}", 0, points, ctx => Measure(ctx, chip, tile))];
    }

    private void Measure(BlockContext ctx, ChipInfo chip, int tile)
    {
        var targets = LevelPattern.Create(chip.Rows, chip.Cols, Settings.Levels);
        ctx.Program(tile, targets, Settings.WriteVerify ? WriteVerifyOptions.Default : WriteVerifyOptions.SinglePulse);
        var ages = Settings.AgesSeconds.Order().ToArray();
        for (var a = 0; a < ages.Length; a++)
        {
            for (var r = 0; r < Settings.Repeats; r++)
            {
                var index = (a * Settings.Repeats) + r;
                if (ctx.Skip(index))
                {
                    continue;
                }

                ctx.WaitUntilAge(ages[a]);
                var arrays = new Dictionary<string, PointArray> { ["read_state"] = Readings.States(ctx.Chip.ReadBack(tile)) };
                if (index == 0)
                {
                    arrays["target_weight"] = Readings.Of(targets);
                }

                ctx.Record(index, new Dictionary<string, double> { ["tile"] = tile, ["age_seconds"] = ages[a], ["repeat"] = r }, arrays);
            }
        }
    }
}
