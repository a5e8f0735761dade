using System.CommandLine;
using System.Diagnostics;
using AimcHil.Core;
using AimcHil.Emulator;
using AimcHil.Numerics;
using AimcHil.Rig;
using Spectre.Console;

namespace AimcHil.Cli.Commands;

/// <summary><c>aimc bench</c>: throughput measurements, each against its baseline in the same run.</summary>
internal static class BenchCommand
{
    private const int Batch = 64;

    public static Command Create()
    {
        var bench = new Command("bench", "measure throughput against a baseline in the same run");
        var json = CommonOptions.Json();
        var rig = new Option<FileInfo>("--rig")
        {
            Description = "emulator rig to measure (default hil-rigs/pcm-current-256.yaml)",
            DefaultValueFactory = _ => new FileInfo(Path.Combine("hil-rigs", "pcm-current-256.yaml")),
        };
        var seconds = new Option<double>("--seconds") { Description = "measuring time per path", DefaultValueFactory = _ => 1.0 };
        var mvm = new Command("mvm", "emulator MVM GFLOP/s (ideal and noisy) against a plain BLAS product of the same shapes") { rig, seconds, json };
        mvm.SetAction(parse => CommandGuard.Run(() =>
        {
            var file = RigFileReader.Read(parse.GetValue(rig)!.FullName);
            if (file.Chip is null)
            {
                throw new AimcException($"{file.Path}: bench mvm needs an emulator rig");
            }

            var budget = parse.GetValue(seconds);
            var cases = new Dictionary<string, MvmBenchCase>
            {
                ["tile_256x256"] = Measure(file.Chip, 256, 256, budget),
                ["layer_784x256"] = Measure(file.Chip, 784, 256, budget),
            };
            var result = new { rig = file.Path, blas_backend = Blas.Backend, batch = Batch, cases };
            if (parse.GetValue(json))
            {
                JsonOutput.Write(result);
            }
            else
            {
                var table = new Table().AddColumns("case", "tiles", "BLAS GFLOP/s", "ideal GFLOP/s", "noisy GFLOP/s", "ideal/BLAS", "noisy/BLAS");
                foreach (var (name, c) in cases)
                {
                    table.AddRow(name, c.Tiles.ToString(), c.BlasGflops.ToString("F2"), c.IdealGflops.ToString("F2"), c.NoisyGflops.ToString("F2"), c.IdealRatio.ToString("F2"), c.NoisyRatio.ToString("F2"));
                }

                AnsiConsole.MarkupLineInterpolated($"BLAS: {Blas.Backend}; batch {Batch}; rig {file.Path}");
                AnsiConsole.Write(table);
            }

            return 0;
        }));
        bench.Subcommands.Add(mvm);
        bench.Subcommands.Add(CreateTrain());
        bench.Subcommands.Add(BenchLinkCommand.Create());
        bench.Subcommands.Add(BenchDirectCommand.Create());
        return bench;
    }

    /// <summary><c>aimc bench train</c>: hil fine-tuning throughput (784-256-10, batch 64, reprogram every step) on the
    /// benchmark chip against the same steps in software mode, measured in the same run.</summary>
    private static Command CreateTrain()
    {
        var json = CommonOptions.Json();
        var rig = new Option<FileInfo>("--rig")
        {
            Description = "benchmark chip (default hil-rigs/fmnist-hil-1.yaml)",
            DefaultValueFactory = _ => new FileInfo(Path.Combine("hil-rigs", "fmnist-hil-1.yaml")),
        };
        var steps = new Option<int>("--steps") { Description = "optimizer steps measured per mode (an epoch is 938)", DefaultValueFactory = _ => 20 };
        var reprogram = new Option<string>("--reprogram") { Description = "hil reprogramming policy", DefaultValueFactory = _ => "every:1" };
        var command = new Command("train", "hil training throughput against software training of the same network") { rig, steps, reprogram, json };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var file = RigFileReader.Read(parse.GetValue(rig)!.FullName);
            var count = parse.GetValue(steps);
            if (count < 1)
            {
                throw new AimcException($"--steps must be at least 1, not {count}");
            }

            var (train, test) = Training.Data.FashionMnist.Load();
            var examples = count * Batch;
            double SamplesPerSecond(Training.Runs.TrainingMode mode)
            {
                var options = new Training.Runs.TrainingOptions
                {
                    Mode = mode,
                    Epochs = 1,
                    BatchSize = Batch,
                    LearningRate = 1e-4f,
                    TrainLimit = examples,
                    TestLimit = 1,
                    Reprogram = ReprogramPolicyText(parse.GetValue(reprogram)!),
                };
                using var chip = mode == Training.Runs.TrainingMode.Software ? null : RigConnector.Open(file);
                var summary = new Training.Runs.Trainer(options, train, test, chip).Run(null, false, false, null, null, CancellationToken.None);
                return summary.SamplesPerSecond;
            }

            var software = SamplesPerSecond(Training.Runs.TrainingMode.Software);
            var hil = SamplesPerSecond(Training.Runs.TrainingMode.Hil);
            var result = new
            {
                rig = file.Path,
                blas_backend = Blas.Backend,
                layers = "784-256-10",
                batch = Batch,
                steps = count,
                reprogram = parse.GetValue(reprogram),
                samples_per_second = hil,
                software_samples_per_second = software,
                slowdown_vs_software = software / hil,
            };
            if (parse.GetValue(json))
            {
                JsonOutput.Write(result);
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"hil: {hil:F0} samples/s, software: {software:F0} samples/s ({software / hil:F1}× slower), {count} steps of {Batch}, reprogram {parse.GetValue(reprogram)}, {file.Path}");
            }

            return 0;
        }));
        return command;
    }

    private static string ReprogramPolicyText(string text) => Training.Runs.ReprogramPolicy.Parse(text).ToString();

    /// <summary>A rows → cols layer on as many tiles of the preset as it needs, partial sums added digitally, timed
    /// against one BLAS product of the same shape.</summary>
    private static MvmBenchCase Measure(ChipPreset preset, int rows, int cols, double seconds)
    {
        var tileRows = preset.Rows;
        var tiles = (rows + tileRows - 1) / tileRows;
        if (cols > preset.Cols)
        {
            throw new AimcException($"the bench needs {cols} columns per tile, the preset has {preset.Cols}");
        }

        var sized = preset with { Tiles = Math.Max(preset.Tiles, tiles) };
        var rng = SeededRandom.For(1, "bench");
        var weights = new float[rows * cols];
        rng.FillUniform(weights, -1f, 1f);
        var inputs = new float[Batch * rows];
        rng.FillUniform(inputs, -1f, 1f);
        var product = new float[Batch * cols];
        var flops = 2.0 * Batch * rows * cols;

        using var idealChip = ProgrammedChip(sized.Ideal(), weights, inputs, rows, cols, tiles, out var idealInputs);
        using var noisyChip = ProgrammedChip(sized, weights, inputs, rows, cols, tiles, out var noisyInputs);
        var sum = new float[Batch * cols];
        var medians = InterleavedMedians(
            [
                () => Blas.Gemm(Batch, cols, rows, inputs, weights, product),
                () => RunLayer(idealChip, idealInputs, sum),
                () => RunLayer(noisyChip, noisyInputs, sum),
            ],
            seconds);
        var (blas, ideal, noisy) = (medians[0], medians[1], medians[2]);
        return new MvmBenchCase
        {
            Rows = rows,
            Cols = cols,
            Tiles = tiles,
            BlasGflops = flops / blas / 1e9,
            IdealGflops = flops / ideal / 1e9,
            NoisyGflops = flops / noisy / 1e9,
        };
    }

    /// <summary>A chip of the preset with the layer programmed (one pulse per device) and its inputs split per tile.</summary>
    private static EmulatedChip ProgrammedChip(ChipPreset preset, float[] weights, float[] inputs, int rows, int cols, int tiles, out Grid<int>[] tileInputs)
    {
        var chip = new EmulatedChip(preset, 1);
        var max = chip.Info.InputCodeMax;
        tileInputs = new Grid<int>[tiles];
        for (var t = 0; t < tiles; t++)
        {
            var r0 = t * preset.Rows;
            var n = Math.Min(preset.Rows, rows - r0);
            var w = new Grid<float>(n, cols);
            var x = new Grid<int>(Batch, n);
            for (var i = 0; i < n; i++)
            {
                weights.AsSpan((r0 + i) * cols, cols).CopyTo(w.Row(i));
            }

            for (var s = 0; s < Batch; s++)
            {
                for (var i = 0; i < n; i++)
                {
                    x[s, i] = (int)MathF.Round(inputs[(s * rows) + r0 + i] * max);
                }
            }

            chip.Program(t, w, WriteVerifyOptions.SinglePulse);
            tileInputs[t] = x;
        }

        return chip;
    }

    /// <summary>One layer evaluation: every tile's MVM, partial sums added digitally in MAC units.</summary>
    private static void RunLayer(EmulatedChip chip, Grid<int>[] tileInputs, float[] sum)
    {
        Array.Clear(sum);
        for (var t = 0; t < tileInputs.Length; t++)
        {
            chip.Mvm(t, tileInputs[t]).AddMacTo(sum);
        }
    }

    /// <summary>Median seconds per call of each action, measured in interleaved rounds so that every path sees the
    /// same machine conditions (shared CI machines drift in speed within a second); the first calls warm caches up.</summary>
    private static double[] InterleavedMedians(Action[] actions, double seconds)
    {
        const int CallsPerSample = 4;
        foreach (var action in actions)
        {
            for (var k = 0; k < 10; k++)
            {
                action();
            }
        }

        var samples = actions.Select(_ => new List<double>()).ToArray();
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds * actions.Length || samples[0].Count < 20)
        {
            for (var a = 0; a < actions.Length; a++)
            {
                var one = Stopwatch.StartNew();
                for (var k = 0; k < CallsPerSample; k++)
                {
                    actions[a]();
                }

                samples[a].Add(one.Elapsed.TotalSeconds / CallsPerSample);
            }
        }

        return samples.Select(list =>
        {
            list.Sort();
            return list[list.Count / 2];
        }).ToArray();
    }
}

/// <summary>One shape of <c>aimc bench mvm</c>; key names are a public interface.</summary>
internal sealed record MvmBenchCase
{
    public required int Rows { get; init; }

    public required int Cols { get; init; }

    public required int Tiles { get; init; }

    public required double BlasGflops { get; init; }

    public required double IdealGflops { get; init; }

    public required double NoisyGflops { get; init; }

    public double IdealRatio => IdealGflops / BlasGflops;

    public double NoisyRatio => NoisyGflops / BlasGflops;
}
