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
                AnsiConsole.MarkupLineInterpolated($"BLAS: {Blas.Backend}; batch {Batch}; rig {file.Path}");
                AnsiConsole.Write(MvmTable(cases));
            }

            return 0;
        }));
        bench.Subcommands.Add(mvm);
        bench.Subcommands.Add(CreateTrain());
        bench.Subcommands.Add(BenchLinkCommand.Create());
        bench.Subcommands.Add(BenchDirectCommand.Create());
        return bench;
    }

    /// <summary>Each shape's GFLOP/s. The unit goes in the caption: in every header ("BLAS GFLOP/s") it made the table 98
    /// columns wide, and at 80 the case names and headers were folded and cut.</summary>
    internal static Table MvmTable(IReadOnlyDictionary<string, MvmBenchCase> cases)
    {
        var table = new Table().AddColumns("case", "tiles", "BLAS", "ideal", "noisy", "ideal/BLAS", "noisy/BLAS").Caption("BLAS, ideal and noisy: GFLOP/s");
        foreach (var (name, c) in cases)
        {
            table.AddRow(name, c.Tiles.ToString(), c.BlasGflops.ToString("F2"), c.IdealGflops.ToString("F2"), c.NoisyGflops.ToString("F2"), c.IdealRatio.ToString("F2"), c.NoisyRatio.ToString("F2"));
        }

        return table;
    }

    /// <summary><c>aimc bench train</c>: hardware-in-the-loop training throughput, case by case, each against software
    /// training of the same steps (and, where the work is the same, a PyTorch loop) measured back to back.</summary>
    /// <remarks>
    /// Cases (JSON keys): <c>no_wires</c>, hil reprogramming every step on <c>fmnist-hil-nowire</c> (the hil step's own
    /// cost) against the PyTorch loop of <see cref="PyTorchBaseline"/>; <c>fmnist_hil_1</c>, hil with
    /// <c>delta:0.005</c> on the benchmark chip, wires and stuck devices included, in steady state (the first
    /// programming and network solve reported apart); <c>lenet</c>, both again for the CNN, its no_wires case against
    /// the PyTorch loop too. The top-level <c>samples_per_second</c> is no_wires'.
    /// </remarks>
    private static Command CreateTrain()
    {
        var json = CommonOptions.Json();
        var rig = new Option<FileInfo>("--rig")
        {
            Description = "chip of the no_wires case (default hil-rigs/fmnist-hil-nowire.yaml)",
            DefaultValueFactory = _ => new FileInfo(Path.Combine("hil-rigs", "fmnist-hil-nowire.yaml")),
        };
        var wiresRig = new Option<FileInfo>("--wires-rig")
        {
            Description = "chip of the fmnist_hil_1 case (default hil-rigs/fmnist-hil-1.yaml)",
            DefaultValueFactory = _ => new FileInfo(Path.Combine("hil-rigs", "fmnist-hil-1.yaml")),
        };
        var steps = new Option<int?>("--steps") { Description = $"optimizer steps timed per mode and case (an epoch is 938; default {NoWiresSteps} for no_wires, {WiresSteps} for fmnist_hil_1, {LenetSteps} for lenet)" };
        var reprogram = new Option<string>("--reprogram") { Description = $"hil reprogramming policy of the no_wires case: {ReprogramForms.Text}", DefaultValueFactory = _ => "every:1" }.Choices(ReprogramForms.Prefixes);
        var only = new Option<string[]>("--case") { Description = $"measure only these cases ({string.Join(", ", Cases)}; default all)", AllowMultipleArgumentsPerToken = true }.Choices(Cases);
        var command = new Command("train", "hil training throughput against software training (and a PyTorch loop) of the same steps") { rig, wiresRig, steps, reprogram, only, json };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            var count = parse.GetValue(steps);
            if (count < 1)
            {
                throw new AimcException($"--steps must be at least 1, not {count}");
            }

            var policy = parse.GetValue(reprogram)!;
            Training.Runs.ReprogramPolicy.Parse(policy);
            var wanted = parse.GetValue(only) is { Length: > 0 } names ? names : Cases;
            foreach (var name in wanted.Where(n => !Cases.Contains(n)))
            {
                throw new AimcException($"--case {name} is not known: use {string.Join(", ", Cases)}");
            }

            var (train, test) = Training.Data.FashionMnist.Load();
            var result = new Dictionary<string, object?>();
            var text = new List<string>();
            TrainBenchCase? noWires = null;
            CaseResult? noWiresResult = null;
            if (wanted.Contains(NoWires))
            {
                noWires = new TrainBenchCase
                {
                    Name = NoWires,
                    Rig = RigFileReader.Read(parse.GetValue(rig)!.FullName),
                    Layers = MlpLayers,
                    Reprogram = policy,
                    Steps = count ?? NoWiresSteps,
                    WarmupSteps = NoWiresWarmupSteps,
                };
                noWiresResult = MeasureCase(noWires, train, test, withPyTorch: true);
                result[NoWires] = noWiresResult.Json;
                text.Add(noWiresResult.Text);
            }

            if (wanted.Contains(WiresCase))
            {
                var wires = new TrainBenchCase
                {
                    Name = WiresCase,
                    Rig = RigFileReader.Read(parse.GetValue(wiresRig)!.FullName),
                    Layers = MlpLayers,
                    Reprogram = "delta:0.005",
                    Steps = count ?? WiresSteps,
                    WarmupSteps = WiresWarmupSteps,
                };
                var measured = MeasureCase(wires, train, test, withPyTorch: false);
                result[WiresCase] = measured.Json;
                text.Add(measured.Text);
            }

            if (wanted.Contains(LenetCase))
            {
                // The CNN on both chips: its own step cost (every:1, no wires), against the PyTorch loop doing the same
                // work (pytorch-baseline.py --mode hil --model lenet), and the benchmark chip in steady state.
                var lenet = new Dictionary<string, object?>();
                foreach (var (key, rigFile, policyText, timed, warmup) in new[]
                {
                    (NoWires, parse.GetValue(rig)!, "every:1", count ?? LenetSteps, LenetWarmupSteps),
                    (WiresCase, parse.GetValue(wiresRig)!, "delta:0.005", count ?? LenetSteps, LenetWarmupSteps),
                })
                {
                    var measured = MeasureCase(
                        new TrainBenchCase { Name = $"{LenetCase}/{key}", Rig = RigFileReader.Read(rigFile.FullName), Model = "lenet", Layers = MlpLayers, Reprogram = policyText, Steps = timed, WarmupSteps = warmup },
                        train,
                        test,
                        withPyTorch: key == NoWires);
                    lenet[key] = measured.Json;
                    text.Add(measured.Text);
                }

                result[LenetCase] = lenet;
            }

            if (wanted.Contains(IrSolveCase))
            {
                var figures = IrSolveBenchmark.Measure();
                result[IrSolveCase] = figures;
                text.Add($"{IrSolveCase}: solve {figures.SolveSeconds:F3} s ({figures.SolveGflops:F1} GFLOP/s), adjoint {figures.AdjointSeconds:F3} s ({figures.AdjointGflops:F1} GFLOP/s), {figures.Method}");
            }

            var top = new Dictionary<string, object?>
            {
                ["rig"] = noWires?.Rig.Path,
                ["blas_backend"] = Blas.Backend,
                ["layers"] = string.Join('-', MlpLayers),
                ["batch"] = TrainBenchCase.Batch,
                ["steps"] = noWires?.Steps,
                ["reprogram"] = noWires is null ? null : policy,
                ["samples_per_second"] = noWiresResult?.Hil.SamplesPerSecond,
                ["software_samples_per_second"] = noWiresResult?.Software.SamplesPerSecond,
                ["slowdown_vs_software"] = noWiresResult is null ? null : noWiresResult.Software.SamplesPerSecond / noWiresResult.Hil.SamplesPerSecond,
            };
            foreach (var (key, value) in result)
            {
                top[key] = value;
            }

            if (parse.GetValue(json))
            {
                JsonOutput.Write(top);
            }
            else
            {
                text.ForEach(line => AnsiConsole.MarkupLineInterpolated($"{line}"));
            }

            return 0;
        }));
        return command;
    }

    private const string NoWires = "no_wires";
    private const string WiresCase = "fmnist_hil_1";
    private const int NoWiresSteps = 200;
    private const int NoWiresWarmupSteps = 50;
    private const int WiresSteps = 10;
    private const int WiresWarmupSteps = 1;

    private const string LenetCase = "lenet";

    private const string IrSolveCase = "ir_solve";

    /// <summary>The cases --case accepts, in the order they run: its help and its check read this list.</summary>
    private static readonly string[] Cases = [NoWires, WiresCase, LenetCase, IrSolveCase];

    /// <summary>lenet's steps cost 641 MVMs per image against the MLP's 5: fewer steps give the same seconds.</summary>
    private const int LenetSteps = 100;

    /// <summary>Untimed lenet steps, in both cases: a step calls each of its methods only a few times, so the JIT's
    /// tiering (30 calls, then a background recompile) reaches steady code only after 60 to 100 steps (16 ms a step
    /// from step 100 on, 24 to 31 ms over steps 20 to 60); timed from step 6, the figure had been half the steady one.</summary>
    private const int LenetWarmupSteps = 100;
    private static readonly int[] MlpLayers = [784, 256, 10];

    /// <summary>One case's figures: hil and software (and PyTorch) back to back, in JSON and in one line of text.</summary>
    private sealed record CaseResult(TrainThroughput Hil, TrainThroughput Software, Dictionary<string, object?> Json, string Text);

    private static CaseResult MeasureCase(TrainBenchCase spec, Training.Data.Dataset train, Training.Data.Dataset test, bool withPyTorch)
    {
        var hil = TrainBenchmark.Measure(spec, Training.Runs.TrainingMode.Hil, train, test);
        var software = TrainBenchmark.Measure(spec, Training.Runs.TrainingMode.Software, train, test);
        var json = new Dictionary<string, object?>
        {
            ["rig"] = spec.Rig.Path,
            ["layers"] = spec.LayersText,
            ["reprogram"] = spec.Reprogram,
            ["steps"] = spec.Steps,
            ["warmup_steps"] = spec.WarmupSteps,
            ["samples_per_second"] = hil.SamplesPerSecond,
            ["software_samples_per_second"] = software.SamplesPerSecond,
            ["ratio_to_software"] = hil.SamplesPerSecond / software.SamplesPerSecond,
            ["first_programming_seconds"] = hil.FirstStepSeconds,
            ["timed_network_solves"] = hil.TimedWireSolves,
            ["timed_network_solve_seconds"] = hil.TimedWireSolveSeconds,
            ["samples_per_second_without_network_solves"] = hil.TimedWireSolveSeconds is { } solving && hil.TimedSeconds > solving
                ? spec.Steps * TrainBenchCase.Batch / (hil.TimedSeconds - solving)
                : null,
        };
        var line = $"{spec.Name}: hil {hil.SamplesPerSecond:F0} samples/s, software {software.SamplesPerSecond:F0} ({hil.SamplesPerSecond / software.SamplesPerSecond:F3}×), first programming {hil.FirstStepSeconds:F2} s, {spec.Steps} steps of {TrainBenchCase.Batch}, reprogram {spec.Reprogram}, {spec.Rig.Path}";
        if (withPyTorch)
        {
            var torch = PyTorchBaseline.Measure(spec, Training.Data.FashionMnist.DefaultDirectory);
            json["pytorch_samples_per_second"] = torch.SamplesPerSecond;
            json["ratio_to_pytorch"] = hil.SamplesPerSecond / torch.SamplesPerSecond;
            json["pytorch_framework"] = torch.Framework;
            json["pytorch_python"] = torch.Python;
            json["pytorch_note"] = torch.Note;
            line += torch.SamplesPerSecond is { } rate
                ? $"; PyTorch loop {rate:F0} samples/s ({hil.SamplesPerSecond / rate:F2}×, {torch.Framework})"
                : $"; no PyTorch figure: {torch.Note}";
        }

        return new CaseResult(hil, software, json, line);
    }

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
