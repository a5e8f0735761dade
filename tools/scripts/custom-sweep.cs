#:property PublishAot=false
#:project ../../src/AimcHil.Characterization/AimcHil.Characterization.csproj
// A custom measurement with the library API: one column's output against the weight it holds, with every row driven
// at full scale. Copy and edit Measure() for your own sweep; the dataset is resumable and readable from Python.
// Usage (from the repository root): dotnet run tools/scripts/custom-sweep.cs -- RIG.yaml OUT_DIR [--resume]
using AimcHil.Characterization.Datasets;
using AimcHil.Characterization.Procedures;
using AimcHil.Characterization.Running;
using AimcHil.Core;
using AimcHil.Rig;

var rig = RigFileReader.Read(args[0]);
using var chip = RigConnector.Open(rig);
var outcomes = ChipCharacterization.Run(chip, [new WeightSweep()], args[1], File.ReadAllText(args[0]), rig.Seed, resume: args.Contains("--resume"),
    progress: new Progress<RunProgress>(p => Console.Error.WriteLine($"{p.PointsDone}/{p.PointsPlanned} points")));
Console.WriteLine($"{outcomes[0].Outcome.PointsRecorded} points in {outcomes[0].Dataset}");

/// <summary>Column 0's MAC against its weight, 21 weights from −1 to 1, each programmed and read 8 times.</summary>
sealed class WeightSweep : Procedure
{
    public override string Name => "weight-sweep";

    public override string SettingsJson => "{}";

    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        Setpoint("weight", "normalized", "weight of every cell of column 0"),
        Measured("mac", "MAC", ["weight"], "column 0 output of 8 MVMs", "repeats"),
    ];

    public override IReadOnlyList<MeasurementBlock> Plan(ChipInfo chip) =>
        Enumerable.Range(0, 21).Select(k => new MeasurementBlock($"w{k}", k, 1, ctx => Measure(ctx, chip, -1f + (k / 10f)))).ToList();

    private static void Measure(BlockContext ctx, ChipInfo chip, float weight)
    {
        var targets = new Grid<float>(chip.Rows, chip.Cols);
        for (var i = 0; i < chip.Rows; i++)
        {
            targets[i, 0] = weight * (float)Math.Min(1, chip.MacFullScale / 2 / chip.Rows);
        }

        ctx.Program(0, targets, WriteVerifyOptions.Default);
        var inputs = new Grid<int>(8, chip.Rows);
        Array.Fill(inputs.Data, chip.InputCodeMax);
        var result = ctx.Chip.Mvm(0, inputs);
        var mac = Enumerable.Range(0, 8).Select(s => (float)result.ToMac(s, 0)).ToArray();
        ctx.Record(0, new Dictionary<string, double> { ["weight"] = weight }, new Dictionary<string, PointArray> { ["mac"] = PointArray.Of(mac) });
    }
}
