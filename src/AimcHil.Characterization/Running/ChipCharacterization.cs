using System.Diagnostics;
using System.Reflection;
using AimcHil.Characterization.Datasets;
using AimcHil.Characterization.Procedures;
using AimcHil.Core;

namespace AimcHil.Characterization.Running;

/// <summary>Measures procedures on a chip into datasets in a folder (one <c>NAME.sqlite</c> each), resuming the ones
/// there when asked, within one time budget for all of them: what <c>aimc characterize</c> and the lab scripts call.</summary>
public static class ChipCharacterization
{
    public static string SoftwareVersion { get; } =
        typeof(ChipCharacterization).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static string DatasetPath(string directory, string procedure) => Path.Combine(directory, procedure + ".sqlite");

    /// <summary>Runs <paramref name="procedures"/> in order; stops at the first that the budget or a cancel stops.</summary>
    /// <param name="rigSnapshot">The rig file's text, stored in every dataset.</param>
    /// <param name="seed">The emulator's seed (blocks reseed from it); null on hardware.</param>
    public static IReadOnlyList<(RunOutcome Outcome, string Dataset)> Run(
        IAimcChip chip,
        IReadOnlyList<Procedure> procedures,
        string directory,
        string rigSnapshot,
        ulong? seed,
        bool resume,
        TimeSpan? maxTime = null,
        IProgress<RunProgress>? progress = null,
        CancellationToken cancel = default)
    {
        if (!resume)
        {
            var existing = procedures.Select(p => DatasetPath(directory, p.Name)).Where(File.Exists).ToArray();
            if (existing.Length > 0)
            {
                throw new AimcException($"{existing[0]} already exists: pass --resume to continue it, or choose another --out");
            }
        }

        var clock = Stopwatch.StartNew();
        var results = new List<(RunOutcome, string)>();
        foreach (var procedure in procedures)
        {
            var path = DatasetPath(directory, procedure.Name);
            var header = new RunHeader(procedure.Name, chip.Info, rigSnapshot, procedure.SettingsJson, SoftwareVersion, seed);
            using var dataset = resume && File.Exists(path)
                ? MeasurementDataset.Resume(path, header, procedure.Parameters)
                : MeasurementDataset.Create(path, header, procedure.Parameters);
            var left = maxTime is { } max ? max - clock.Elapsed : (TimeSpan?)null;
            var outcome = left is { } l && l <= TimeSpan.Zero
                ? new RunOutcome(procedure.Name, false, "the time budget was spent", 0, dataset.Count, 0, TimeSpan.Zero)
                : new MeasurementRun(chip, procedure, new DatasetSink(dataset)) { Seed = seed, MaxTime = left, Cancel = cancel, Progress = progress }.Execute();
            dataset.Finish(outcome.Completed ? "completed" : "interrupted");
            results.Add((outcome, path));
            if (!outcome.Completed)
            {
                break;
            }
        }

        return results;
    }
}
