using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AimcHil.Core;
using AimcHil.Rig;
using AimcHil.Training.Data;
using AimcHil.Training.Layers;
using AimcHil.Training.Runs;
using Spectre.Console;

namespace AimcHil.Cli.Commands;

/// <summary><c>aimc train</c>: trains an MLP in one of the modes, with checkpoints, resume and a clean stop on Ctrl-C.</summary>
internal static class TrainCommand
{
    private static readonly JsonSerializerOptions SettingsJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private static readonly JsonSerializerOptions MetricsJson = new(SettingsJson) { WriteIndented = false };

    public static Command Create()
    {
        var rig = new Option<FileInfo?>("--rig") { Description = "rig file of the chip (not needed in software mode)" };
        var mode = new Option<string>("--mode") { Description = string.Join(" | ", TrainingChoices.Modes), DefaultValueFactory = _ => "software" }.Choices(TrainingChoices.Modes);
        var epochs = new Option<int>("--epochs") { Description = "training epochs", DefaultValueFactory = _ => 5 };
        var batch = new Option<int>("--batch-size") { Description = "examples per mini-batch", DefaultValueFactory = _ => 64 };
        var lr = new Option<float>("--lr") { Description = "learning rate", DefaultValueFactory = _ => 1e-3f };
        var optimizer = new Option<string>("--optimizer") { Description = string.Join(" | ", TrainingChoices.Optimizers) + " (sgd with momentum 0.9)", DefaultValueFactory = _ => "adam" }.Choices(TrainingChoices.Optimizers);
        var seed = new Option<ulong>("--seed") { Description = "seed of initialization, batch order, noise and the emulated chip", DefaultValueFactory = _ => 1 };
        var model = new Option<string>("--model") { Description = string.Join(" | ", TrainingChoices.Models) + " (mlp sized by --layers, lenet a small CNN for 28×28 images); README lists each model's layers and state_dict names", DefaultValueFactory = _ => "mlp" }.Choices(TrainingChoices.Models);
        var layers = new Option<string>("--layers") { Description = "MLP layer sizes (--model mlp)", DefaultValueFactory = _ => "784,256,10" };
        var data = new Option<string>("--data") { Description = $"folder with the four IDX files (default {FashionMnist.DefaultDirectory}), or 'synthetic' for a small generated problem", DefaultValueFactory = _ => FashionMnist.DefaultDirectory };
        var output = new Option<DirectoryInfo?>("--out") { Description = "run directory: settings, rig snapshot, metrics.jsonl, summary.json, checkpoints (default runs/MODE-TIME)" };
        var resume = new Option<DirectoryInfo?>("--resume") { Description = "continue the interrupted run in this directory, with its own settings" };
        var init = new Option<string?>("--init") { Description = "start from these weights: a previous run (its directory or model.bin), or a PyTorch state_dict with the model's names and shapes (.safetensors, .npz)" };
        var reprogram = new Option<string>("--reprogram") { Description = $"hil: {ReprogramForms.Text}", DefaultValueFactory = _ => "every:1" }.Choices(ReprogramForms.Prefixes);
        var backwardModel = new Option<string>("--backward-model") { Description = "hil: " + string.Join(" | ", TrainingChoices.BackwardModels) + " (ideal: y = x·W; physical: the chip's emulator design at the measured inputs; calibrated: the digital twin of --twin)", DefaultValueFactory = _ => "ideal" }.Choices(TrainingChoices.BackwardModels);
        var twin = new Option<FileInfo?>("--twin") { Description = "calibrated digital twin (the emulator rig file aimc calibrate wrote): the model of --backward-model calibrated and of --mode physical" };
        var writeVerify = new Option<bool>("--write-verify") { Description = "program with write-verify instead of one pulse per device" };
        var trainLimit = new Option<int>("--train-limit") { Description = "use only the first N training examples" };
        var testLimit = new Option<int>("--test-limit") { Description = "use only the first N test examples" };
        var ideal = CommonOptions.Ideal();
        var json = CommonOptions.Json();
        var port = CommonOptions.Port();
        var command = new Command("train", "train a model (an MLP or a CNN) with the chip in the loop (or in software), with checkpoints and resume")
        {
            rig, mode, epochs, batch, lr, optimizer, seed, model, layers, data, output, resume, init, reprogram, backwardModel, twin, writeVerify, trainLimit, testLimit, ideal, port, json,
        };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            RunSettings settings;
            string directory;
            var resuming = parse.GetValue(resume) is not null;
            if (parse.GetValue(resume) is { } resumeDir)
            {
                directory = resumeDir.FullName;
                if (parse.GetValue(output) is { } elsewhere)
                {
                    throw new AimcException($"--resume continues the run where it is ({directory}), so --out {elsewhere.FullName} cannot be given with it: leave out --out, or copy the run directory first and resume the copy");
                }

                settings = RunSettings.Load(directory);
                if (parse.GetValue(port) is { } newPort)
                {
                    settings = settings with { Port = newPort };
                }
            }
            else
            {
                var modelName = parse.GetValue(model)!;
                BuiltInModel.CheckName(modelName);
                if (modelName != "mlp" && parse.GetResult(layers) is { Implicit: false })
                {
                    throw new AimcException($"--layers sizes the MLP; --model {modelName} has its own layers (README lists them): leave out --layers");
                }

                var options = new TrainingOptions
                {
                    Mode = TrainingChoices.Mode(parse.GetValue(mode)!),
                    Model = modelName,
                    Layers = ParseLayers(parse.GetValue(layers)!),
                    Epochs = parse.GetValue(epochs),
                    BatchSize = parse.GetValue(batch),
                    LearningRate = parse.GetValue(lr),
                    Optimizer = parse.GetValue(optimizer)!,
                    Seed = parse.GetValue(seed),
                    Reprogram = ReprogramPolicy.Parse(parse.GetValue(reprogram)!).ToString(),
                    BackwardModel = parse.GetValue(backwardModel)!,
                    TwinPath = parse.GetValue(twin)?.FullName,
                    WriteVerify = parse.GetValue(writeVerify),
                    TrainLimit = parse.GetValue(trainLimit),
                    TestLimit = parse.GetValue(testLimit),
                };
                settings = new RunSettings
                {
                    Options = options,
                    Rig = parse.GetValue(rig)?.FullName,
                    Ideal = parse.GetValue(ideal),
                    Port = parse.GetValue(port),
                    Data = parse.GetValue(data)!,
                    Init = ResolveInit(parse.GetValue(init)),
                };
                directory = parse.GetValue(output)?.FullName
                    ?? Path.GetFullPath(Path.Combine("runs", $"{SnakeCase.Of(options.Mode)}-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}"));
                CheckNewRunDirectory(directory);
            }

            var isJson = parse.GetValue(json);
            return Train(settings, directory, resuming, isJson);
        }));
        return command;
    }

    /// <summary>Refuses an --out that would mix a new run with files already there: a run is never overwritten.</summary>
    private static void CheckNewRunDirectory(string directory)
    {
        if (File.Exists(directory))
        {
            throw new AimcException($"--out {directory}: a file, not a directory; give a new directory for the run (it is created)");
        }

        if (!Directory.Exists(directory))
        {
            return;
        }

        if (File.Exists(RunSettings.PathIn(directory)))
        {
            throw CheckpointStore.Exists(CheckpointIn(directory))
                ? new AimcException($"{directory} already holds a run; continue it with --resume {directory} or choose another --out")
                : new AimcException($"{directory} already holds a run (stopped before its first checkpoint), which is never overwritten: choose another --out, or delete that directory yourself");
        }

        if (Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new AimcException($"--out {directory}: an existing directory that is not a run directory; give a new directory for the run (it is created) or an empty one");
        }
    }

    private static string CheckpointIn(string directory) => Path.Combine(directory, "checkpoint");

    private static int Train(RunSettings settings, string directory, bool resuming, bool isJson)
    {
        try
        {
            return TrainIn(settings, directory, resuming, isJson);
        }
        catch (IOException e) when (DiskSpace.IsFull(e))
        {
            // The checkpoint's own writes say which checkpoint stays current; this is every other file of the run.
            var next = CheckpointStore.Exists(CheckpointIn(directory))
                ? $"its last checkpoint stays current: free space, then continue with aimc train --resume {directory}"
                : "it has no checkpoint yet: free space, then start the run again in a new directory";
            throw new AimcException($"{directory}: the disk is full ({e.Message}); {next}", e);
        }
    }

    private static int TrainIn(RunSettings settings, string directory, bool resuming, bool isJson)
    {
        var options = settings.Options;
        if (options.NeedsChip && settings.Rig is null)
        {
            throw new AimcException($"mode {SnakeCase.Of(options.Mode)} needs a chip: give --rig (e.g. hil-rigs/fmnist-hil-1.yaml)");
        }

        options.Validate();
        var (train, test) = LoadData(settings.Data, options);
        RigFile? rigFile = settings.Rig is null ? null : RigFileReader.Read(settings.Rig);
        using var chip = rigFile is null ? null : RigConnector.Open(rigFile, new RigOptions { Ideal = settings.Ideal, Seed = options.Seed, Port = settings.Port });
        var trainer = new Trainer(options, train, test, chip);
        if (!resuming)
        {
            // Loaded before the run directory is made, so a file that does not fit leaves nothing behind.
            if (settings.Init is not null)
            {
                trainer.InitializeFrom(settings.Init);
            }

            settings = settings with { Features = train.Features.Cols, Classes = train.Classes };
            Directory.CreateDirectory(directory);
            settings.Save(directory);
            if (rigFile is not null)
            {
                File.Copy(rigFile.Path, Path.Combine(directory, "rig.yaml"), overwrite: true);
                File.WriteAllText(Path.Combine(directory, "chip.json"), JsonSerializer.Serialize(chip!.Info, SettingsJson));
            }

        }

        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            if (!stop.IsCancellationRequested)
            {
                Console.Error.WriteLine("aimc: stopping after this batch; a checkpoint will be written (Ctrl-C again to kill)");
                stop.Cancel();
            }
            else
            {
                e.Cancel = false;
            }
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var metricsPath = Path.Combine(directory, "metrics.jsonl");
            var checkpoint = CheckpointIn(directory);
            void WriteMetrics()
            {
                // Rewritten whole from the checkpoint's list (and replaced in one rename), so a resumed run never
                // duplicates lines and a crash never leaves half a file.
                var lines = TrainingCheckpoint.ReadState(checkpoint).Metrics
                    .Select(x => JsonSerializer.Serialize(x, MetricsJson) + "\n");
                DurableFile.Replace(metricsPath, System.Text.Encoding.UTF8.GetBytes(string.Concat(lines)));
            }

            void EpochDone(EpochMetrics m)
            {
                WriteMetrics();
                if (!isJson && !AnsiConsole.Profile.Capabilities.Interactive)
                {
                    Console.WriteLine($"epoch {m.Epoch}: loss {m.TrainLoss:F4}, train {m.TrainAccuracy:P2}, software test {m.SoftwareTestAccuracy:P2}{(m.ChipTestAccuracy is { } c ? $", chip test {c:P2}" : string.Empty)}, pulses {m.ProgrammingPulses}");
                }
            }

            TrainingSummary summary;
            if (!isJson && AnsiConsole.Profile.Capabilities.Interactive)
            {
                summary = AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask("training", maxValue: 1);
                        var progress = new Progress<TrainingProgress>(p =>
                        {
                            task.Value = ((p.Epoch - 1) + ((double)p.Batch / p.Batches)) / Math.Max(1, p.Epochs);
                            task.Description = $"epoch {p.Epoch}/{p.Epochs} loss {p.Loss:F3} acc {p.Accuracy:P1} pulses {p.ProgrammingPulses}";
                        });
                        return trainer.Run(checkpoint, resuming, settings.Init is not null, progress, EpochDone, stop.Token);
                    });
            }
            else
            {
                summary = trainer.Run(checkpoint, resuming, settings.Init is not null, null, EpochDone, stop.Token);
            }

            summary = summary with { Rig = settings.Rig, OutputDirectory = directory };
            if (CheckpointStore.Exists(checkpoint))
            {
                // Also after a resume that had nothing left to train (killed after its last checkpoint).
                WriteMetrics();
            }

            DurableFile.Replace(Path.Combine(directory, "summary.json"), JsonSerializer.SerializeToUtf8Bytes(summary, SettingsJson));
            SaveFinalModel(Path.Combine(directory, "model.bin"), trainer);
            if (isJson)
            {
                JsonOutput.Write(summary);
            }
            else
            {
                Print(summary);
            }

            return summary.Interrupted ? 130 : 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static void SaveFinalModel(string path, Trainer trainer)
    {
        try
        {
            Training.Layers.ModelState.Save(path, trainer.Network.Parameters);
        }
        catch (AimcException e) when (e.InnerException is IOException io && DiskSpace.IsFull(io))
        {
            // Reported like every other write of the run that finds the disk full.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(io);
        }
    }

    private static (Dataset Train, Dataset Test) LoadData(string data, TrainingOptions options)
    {
        if (data == "synthetic")
        {
            var all = SyntheticDataset.GaussianBlobs(2500, options.Layers[0], options.Layers[^1], options.Seed);
            return all.Split(2000);
        }

        return FashionMnist.Load(data);
    }

    /// <summary>The file --init names (a run's model.bin, or a state_dict file); the trainer loads it before the run
    /// directory is made, so a damaged or mismatched file is refused without leaving a run behind.</summary>
    private static string? ResolveInit(string? init)
    {
        if (init is null)
        {
            return null;
        }

        const string Give = "give a finished run's directory, its model.bin, or a PyTorch state_dict (.safetensors, .npz)";
        var path = Directory.Exists(init) ? Path.Combine(init, "model.bin") : init;
        if (!File.Exists(path))
        {
            throw new AimcException(Directory.Exists(init) ? $"--init {init}: no model.bin there; {Give}" : $"--init {init}: no such file or directory; {Give}");
        }

        return Path.GetFullPath(path);
    }

    private static int[] ParseLayers(string text)
    {
        var parts = text.Split(',');
        var sizes = new int[parts.Length];
        for (var k = 0; k < parts.Length; k++)
        {
            if (!int.TryParse(parts[k], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[k]) || sizes[k] < 1)
            {
                throw new AimcException($"--layers {text}: give positive sizes separated by commas, e.g. 784,256,10");
            }
        }

        return sizes.Length >= 2 ? sizes : throw new AimcException($"--layers {text}: a network needs at least an input and an output size");
    }

    private static void Print(TrainingSummary s)
    {
        AnsiConsole.Write(SummaryTable(s));
        // The paths go under the table, each whole on its own line: in an 80-column table a run directory was folded
        // mid-name across lines, and could not be copied.
        if (s.Twin is { } twin)
        {
            Console.WriteLine($"digital twin: {twin}");
        }

        Console.WriteLine($"run directory: {s.OutputDirectory ?? "—"}");
        if (s.Interrupted)
        {
            Console.WriteLine($"interrupted: continue with: aimc train --resume {s.OutputDirectory}");
        }
    }

    /// <summary>The run's figures; what is a path is printed under it (<see cref="Print"/>).</summary>
    internal static Table SummaryTable(TrainingSummary s)
    {
        var table = new Table().AddColumns("", "").HideHeaders();
        table.AddRow("mode", SnakeCase.Of(s.Mode));
        table.AddRow("model", $"{s.Model}, {s.MvmsPerSample} tile MVMs per sample");
        table.AddRow("software test accuracy", s.SoftwareTestAccuracy.ToString("P2", CultureInfo.InvariantCulture));
        if (s.InitSoftwareTestAccuracy is { } init)
        {
            table.AddRow("software test accuracy of --init", init.ToString("P2", CultureInfo.InvariantCulture));
        }

        table.AddRow("chip test accuracy", s.ChipTestAccuracy?.ToString("P2", CultureInfo.InvariantCulture) ?? "—");
        table.AddRow("epochs", s.Epochs.ToString(CultureInfo.InvariantCulture));
        table.AddRow("programming pulses", $"{s.ProgrammingPulses} ({s.Reprograms} programmings)");
        table.AddRow("train time", $"{s.TrainSeconds:F1} s, {s.SamplesPerSecond:F0} samples/s");
        if (s.LinkRetries is { } retries)
        {
            // Two rows: as one, the link's counts folded into three lines at 80 columns.
            table.AddRow("link", $"{retries} retries, {s.LinkDroppedFrames} damaged frames dropped");
            table.AddRow("rig resets", $"{s.RigResets} ({s.TilesReprogrammedAfterReset} tiles reprogrammed)");
        }

        return table;
    }
}
