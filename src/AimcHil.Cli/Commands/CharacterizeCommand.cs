using System.CommandLine;
using System.Diagnostics;
using AimcHil.Characterization.Datasets;
using AimcHil.Characterization.Plots;
using AimcHil.Characterization.Procedures;
using AimcHil.Characterization.Running;
using AimcHil.Core;
using AimcHil.Rig;

namespace AimcHil.Cli.Commands;

/// <summary><c>aimc characterize NAME</c>: runs a measurement (or all of them) on a chip into SQLite datasets, with
/// progress, a time budget and resume, and draws its plots.</summary>
internal static class CharacterizeCommand
{
    /// <summary>The name ProcedureCatalog.Resolve takes for every measurement, in the help with the catalog's names.</summary>
    private const string All = "all";

    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = $"measurement: {string.Join(", ", ProcedureCatalog.Names)} or {All}" }.Choices([.. ProcedureCatalog.Names, All]);
        var rig = CommonOptions.Rig();
        var seed = CommonOptions.Seed();
        var port = CommonOptions.Port();
        var json = CommonOptions.Json();
        var output = new Option<DirectoryInfo>("--out") { Description = "folder for the datasets (NAME.sqlite) and plots", Required = true };
        var resume = new Option<bool>("--resume") { Description = "continue the datasets in --out: measure only the points they lack" };
        var maxTime = new Option<string?>("--max-time") { Description = $"stop (resumably) after this long: {DurationText.Examples}" };
        var noPlots = new Option<bool>("--no-plots") { Description = "write the datasets only" };
        var command = new Command("characterize", $"measure a chip: {string.Join(", ", ProcedureCatalog.Names)}, or {All}")
        {
            name, rig, output, resume, maxTime, seed, port, noPlots, json,
        };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var procedures = ProcedureCatalog.Resolve(parse.GetValue(name)!);
            var budget = DurationText.Parse(parse.GetValue(maxTime), "--max-time");
            var file = RigFileReader.Read(parse.GetValue(rig)!.FullName);
            var directory = parse.GetValue(output)!.FullName;
            var runSeed = (parse.GetValue(resume) ? ResumedSeed(directory, procedures, parse.GetValue(seed)) : parse.GetValue(seed)) ?? file.Seed;
            using var chip = RigConnector.Open(file, new RigOptions { Seed = runSeed, Port = parse.GetValue(port) });
            var isJson = parse.GetValue(json);
            using var stop = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = !stop.IsCancellationRequested;
                if (e.Cancel)
                {
                    Console.Error.WriteLine("aimc: stopping after this point; every point measured is kept (--resume continues)");
                    stop.Cancel();
                }
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                var snapshot = File.ReadAllText(file.Path);
                var reseeds = chip is IReseedableChip { CanReseed: true };
                var results = ChipCharacterization.Run(chip, procedures, directory, snapshot, reseeds ? runSeed : null, parse.GetValue(resume), budget, new ProgressLines(), stop.Token);
                var plots = new List<string>();
                if (!parse.GetValue(noPlots))
                {
                    foreach (var (_, dataset) in results)
                    {
                        plots.AddRange(MeasurementPlots.DrawDataset(dataset, directory, PlotFormat.Png));
                    }
                }

                var completed = results.Count == procedures.Count && results.All(r => r.Outcome.Completed);
                if (isJson)
                {
                    JsonOutput.Write(new
                    {
                        rig = file.Path,
                        output = directory,
                        completed,
                        measurements = results.Select(r => new
                        {
                            name = r.Outcome.Procedure,
                            dataset = r.Dataset,
                            completed = r.Outcome.Completed,
                            stop_reason = r.Outcome.StopReason,
                            points_planned = r.Outcome.PointsPlanned,
                            points_recorded = r.Outcome.PointsRecorded,
                            points_measured_now = r.Outcome.PointsMeasuredNow,
                            seconds = r.Outcome.Elapsed.TotalSeconds,
                        }),
                        plots,
                    });
                }
                else
                {
                    foreach (var (outcome, dataset) in results)
                    {
                        Console.WriteLine($"{outcome.Procedure}: {outcome.PointsRecorded}/{outcome.PointsPlanned} points ({outcome.PointsMeasuredNow} now) in {outcome.Elapsed.TotalSeconds:0.0} s, {outcome.StopReason} -> {dataset}");
                    }

                    foreach (var plot in plots)
                    {
                        Console.WriteLine($"plot: {plot}");
                    }

                    if (!completed)
                    {
                        var portArgument = parse.GetValue(port) is { } p ? $" --port {p}" : string.Empty;
                        Console.WriteLine($"not finished: continue with `aimc characterize {parse.GetValue(name)} --rig {parse.GetValue(rig)!.FullName} --out {directory}{portArgument} --resume`");
                    }
                }

                return stop.IsCancellationRequested ? 130 : 0;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        }));
        return command;
    }

    /// <summary>The seed the datasets being resumed were measured with (null when none is there or they were measured
    /// on hardware): on an emulator the seed is the chip itself, so a resume under another seed would mix two chips'
    /// points in one dataset. A <paramref name="given"/> seed that differs is refused.</summary>
    private static ulong? ResumedSeed(string directory, IReadOnlyList<Procedure> procedures, ulong? given)
    {
        ulong? stored = null;
        string? first = null;
        foreach (var path in procedures.Select(p => ChipCharacterization.DatasetPath(directory, p.Name)).Where(File.Exists))
        {
            using var dataset = MeasurementDataset.Open(path);
            if (dataset.Header.Seed is not { } s)
            {
                continue;
            }

            if (given is { } g && g != s)
            {
                throw new AimcException($"{path} was measured with --seed {s}, not {g}: resume with --seed {s} (or leave --seed out), or choose another --out");
            }

            if (stored is { } earlier && earlier != s)
            {
                throw new AimcException($"{first} was measured with --seed {earlier} but {path} with --seed {s}: resume them separately, one measurement at a time");
            }

            (stored, first) = (s, path);
        }

        return stored ?? given;
    }

    /// <summary>Progress as plain lines on stderr, at most one a second: points, elapsed and the time left.</summary>
    private sealed class ProgressLines : IProgress<RunProgress>
    {
        private readonly Stopwatch _since = Stopwatch.StartNew();
        private string _procedure = string.Empty;

        public void Report(RunProgress value)
        {
            if (value.Procedure == _procedure && _since.Elapsed.TotalSeconds < 1 && value.PointsDone < value.PointsPlanned)
            {
                return;
            }

            _procedure = value.Procedure;
            _since.Restart();
            var left = value.Remaining is { } r ? $", about {r.TotalSeconds:0} s left" : string.Empty;
            Console.Error.WriteLine($"{value.Procedure} [{value.Block}]: {value.PointsDone}/{value.PointsPlanned} points, {value.Elapsed.TotalSeconds:0.0} s{left}");
        }
    }
}
