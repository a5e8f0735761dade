#:property PublishAot=false
#:project ../../src/AimcHil.Characterization/AimcHil.Characterization.csproj
// From a rig file to a digital twin and its check: every measurement (resumable: run it again with --resume after a
// crash or a --max-time stop), the calibration, the twin's rig file, and how well it predicts the chip.
// Usage (from the repository root):
//   dotnet run tools/scripts/characterize-and-calibrate.cs -- RIG.yaml OUT_DIR [--resume] [--max-time SECONDS]
using AimcHil.Characterization.Calibration;
using AimcHil.Characterization.Datasets;
using AimcHil.Characterization.Procedures;
using AimcHil.Characterization.Running;
using AimcHil.Characterization.TwinChecks;
using AimcHil.Core;
using AimcHil.Rig;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: characterize-and-calibrate.cs RIG.yaml OUT_DIR [--resume] [--max-time SECONDS]");
    return 2;
}

var (rigPath, outDir) = (args[0], args[1]);
var maxTime = Array.IndexOf(args, "--max-time") is var m and >= 0 ? TimeSpan.FromSeconds(double.Parse(args[m + 1])) : (TimeSpan?)null;
try
{
    var rig = RigFileReader.Read(rigPath);
    using var chip = RigConnector.Open(rig);
    ulong? seed = chip is IReseedableChip { CanReseed: true } ? rig.Seed : null;
    var procedures = ProcedureCatalog.Names.Select(ProcedureCatalog.Create).ToList();
    var outcomes = ChipCharacterization.Run(chip, procedures, outDir, File.ReadAllText(rigPath), seed, args.Contains("--resume"), maxTime,
        new Progress<RunProgress>(p => Console.Error.Write($"\r{p.Procedure}: {p.PointsDone}/{p.PointsPlanned} points{(p.Remaining is { } r ? $", {r.TotalSeconds:0} s left" : "")}   ")));
    Console.Error.WriteLine();
    if (outcomes.Count < procedures.Count || outcomes.Any(o => !o.Outcome.Completed))
    {
        Console.WriteLine($"stopped ({outcomes[^1].Outcome.StopReason}): run again with --resume to finish");
        return 0;
    }

    var runs = outcomes.Select(o =>
    {
        using var dataset = MeasurementDataset.Open(o.Dataset);
        return (dataset.Header, (IReadOnlyList<DataPoint>)dataset.Points().ToList());
    });
    var fit = TwinCalibration.Fit(new MeasuredChip(runs), new Progress<string>(step => Console.Error.WriteLine($"fitting {step}")));
    var twinPath = Path.Combine(outDir, "twin.yaml");
    TwinWriter.Write(twinPath, fit, outDir);
    foreach (var p in fit.Report)
    {
        Console.WriteLine($"{p.Key,-42} {p.Value,12:G4} ± {p.Uncertainty:G2} {p.Unit}");
    }

    using var twin = RigConnector.Open(twinPath, new RigOptions { Seed = rig.Seed + 1 });
    var check = TwinCheck.Run(chip, twin, new TwinCheckSettings());
    Console.WriteLine($"twin: {twinPath}");
    Console.WriteLine($"per-column systematic error correlation {check.ColumnSystematicCorrelation:F3}, per-output {check.SystematicCorrelation:F3}; random σ twin/chip {check.RandomSigmaRatio:F3}");
    return 0;
}
catch (AimcException e)
{
    Console.Error.WriteLine($"aimc: error: {e.Message}");
    return 2;
}
