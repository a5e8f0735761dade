using System.CommandLine;
using System.Diagnostics;
using AimcHil.Core;
using AimcHil.Numerics;
using AimcHil.Rig;
using Spectre.Console;

namespace AimcHil.Cli.Commands;

/// <summary><c>aimc mvm</c>: program weights, run MVMs and report the error against the exact W·x.</summary>
internal static class MvmCommand
{
    private const int ChunkRows = 256;

    /// <summary>The most input vectors one run takes: inputs and outputs of 4096-wide tiles then fill about 16 GB, a
    /// lab machine's memory; more is a loop in a script, not one run.</summary>
    private const int MaxBatch = 1 << 20;

    public static Command Create()
    {
        var rig = CommonOptions.Rig();
        var json = CommonOptions.Json();
        var ideal = CommonOptions.Ideal();
        var seed = CommonOptions.Seed();
        var port = CommonOptions.Port();
        var tile = new Option<int>("--tile") { Description = "tile to use", DefaultValueFactory = _ => 0 }.Within(0, int.MaxValue);
        var weights = new Option<FileInfo?>("--weights") { Description = "weights W.npy, rows × cols, normalized to [-1, 1] (default: uniform random filling the tile)" };
        var inputs = new Option<FileInfo?>("--inputs") { Description = "inputs X.npy, batch × rows: floats in [-1, 1] (quantized by the DAC) or integer DAC codes" };
        var randomInputs = new Option<int?>("--random-inputs") { Description = "number of uniform random input vectors (default 64)" }.Within(1, MaxBatch);
        var output = new Option<FileInfo?>("--out") { Description = "write the measured outputs (MAC units, batch × cols, float32) to Y.npy" };
        var noVerify = new Option<bool>("--no-verify") { Description = "program with one pulse per device instead of write-verify" };
        var command = new Command("mvm", "program weights, run MVMs, report the error against the exact W·x")
        {
            rig, ideal, seed, port, tile, weights, inputs, randomInputs, output, noVerify, json,
        };
        command.SetAction(parse => CommandGuard.Run(() =>
        {
            if (parse.GetValue(inputs) is not null && parse.GetValue(randomInputs) is not null)
            {
                throw new AimcException("give either --inputs or --random-inputs, not both");
            }

            var file = RigFileReader.Read(parse.GetValue(rig)!.FullName);
            var runSeed = parse.GetValue(seed) ?? file.Seed;
            var isJson = parse.GetValue(json);
            using var chip = RigConnector.Open(file, new RigOptions { Ideal = parse.GetValue(ideal), Seed = runSeed, Port = parse.GetValue(port) });
            var info = chip.Info;
            var tileIndex = parse.GetValue(tile);
            var w = parse.GetValue(weights) is { } wf ? LoadWeights(wf.FullName, info) : RandomWeights(info, runSeed);
            var x = parse.GetValue(inputs) is { } xf
                ? LoadInputs(xf.FullName, info, w.Rows)
                : RandomInputs(info, w.Rows, parse.GetValue(randomInputs) ?? 64, runSeed);

            var clock = Stopwatch.StartNew();
            var options = parse.GetValue(noVerify) ? WriteVerifyOptions.SinglePulse : WriteVerifyOptions.Default;
            // The exact W·x needs the weights as the chip represents them: the per-weight report.
            var report = chip.Program(tileIndex, w, options, null, ProgrammingDetail.PerWeight);
            var programSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var representable = report.PerWeightGrids().Representable.TopLeft(w.Rows, w.Cols);
            var (error, lsbMac, saturatedOutputs, mac) = Run(chip, tileIndex, x, representable, info, showProgress: !isJson && x.Rows > 4 * ChunkRows);
            var mvmSeconds = clock.Elapsed.TotalSeconds;
            if (parse.GetValue(output) is { } yf)
            {
                Npy.Write(yf.FullName, mac.Data, mac.Rows, mac.Cols);
            }

            var summary = new MvmSummary
            {
                Rig = file.Path,
                Chip = info.Name,
                Domain = info.Domain,
                Device = info.Device,
                Ideal = parse.GetValue(ideal),
                Seed = runSeed,
                Tile = tileIndex,
                Rows = w.Rows,
                Cols = w.Cols,
                Batch = x.Rows,
                RandomWeightAmplitude = parse.GetValue(weights) is null ? RandomWeightAmplitude(info) : null,
                LsbMac = lsbMac,
                FullScaleMac = info.MacFullScale,
                RmseLsb = error.RmsLsb,
                MaxAbsErrorLsb = error.MaxAbsLsb,
                RmseRelativeFullScale = error.RmsRelativeFullScale,
                MaxAbsErrorRelativeFullScale = error.MaxAbsRelativeFullScale,
                SaturatedOutputs = saturatedOutputs,
                ProgrammingPulses = report.TotalPulses,
                UnconvergedCells = report.Unconverged.Count,
                ProgramSeconds = programSeconds,
                MvmSeconds = mvmSeconds,
            };
            if (isJson)
            {
                JsonOutput.Write(summary);
            }
            else
            {
                Print(summary);
            }

            return 0;
        }));
        return command;
    }

    /// <summary>Runs the MVMs in chunks (a progress bar for long runs) and measures each chunk against the exact W·x
    /// with that chunk's own scale (drift compensation may move it between chunks): the error in output LSB, per
    /// column, of the chain's only output quantizer (the chip's ADC; on a direct rig the board's ADC, TC1's outputs
    /// being analog). Returns the error, the coarsest LSB over the columns compared, the saturated outputs and the
    /// MAC values of the first <c>weights.Cols</c> columns.</summary>
    private static (MvmError Error, double LsbMac, int Saturated, Grid<float> Mac) Run(IAimcChip chip, int tile, Grid<int> x, Grid<float> weights, ChipInfo info, bool showProgress)
    {
        var cols = weights.Cols;
        var mac = new Grid<float>(x.Rows, cols);
        double lsbMac = 0, sumSquaresLsb = 0, maxLsb = 0, sumSquaresFs = 0, maxFs = 0;
        int saturated = 0, outputs = 0;

        void RunChunks(Action<int>? advance)
        {
            for (var start = 0; start < x.Rows; start += ChunkRows)
            {
                var n = Math.Min(ChunkRows, x.Rows - start);
                var chunk = new Grid<int>(n, x.Cols, x.Data.AsSpan(start * x.Cols, n * x.Cols).ToArray());
                var r = chip.Mvm(tile, chunk);
                if (start == 0)
                {
                    lsbMac = r.MacPerCode.Take(cols).Max(Math.Abs);
                }

                var e = MvmError.Measure(r, MvmError.Exact(weights, chunk, info.InputCodeMax), info.MacFullScale);
                sumSquaresLsb += e.RmsLsb * e.RmsLsb * e.Outputs;
                sumSquaresFs += e.RmsRelativeFullScale * e.RmsRelativeFullScale * e.Outputs;
                maxLsb = Math.Max(maxLsb, e.MaxAbsLsb);
                maxFs = Math.Max(maxFs, e.MaxAbsRelativeFullScale);
                outputs += e.Outputs;
                saturated += r.SaturatedOutputs;
                for (var s = 0; s < n; s++)
                {
                    for (var j = 0; j < cols; j++)
                    {
                        mac[start + s, j] = (float)r.ToMac(s, j);
                    }
                }

                advance?.Invoke(n);
            }
        }

        if (showProgress)
        {
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask("MVMs", maxValue: x.Rows);
                RunChunks(n => task.Increment(n));
            });
        }
        else
        {
            RunChunks(null);
        }

        var error = new MvmError
        {
            RmsLsb = Math.Sqrt(sumSquaresLsb / Math.Max(1, outputs)),
            MaxAbsLsb = maxLsb,
            RmsRelativeFullScale = Math.Sqrt(sumSquaresFs / Math.Max(1, outputs)),
            MaxAbsRelativeFullScale = maxFs,
            Outputs = outputs,
        };
        return (error, lsbMac, saturated, mac);
    }

    private static Grid<float> LoadWeights(string path, ChipInfo info)
    {
        var array = Npy.Read(path);
        if (array.Shape.Length != 2 || array.Shape[0] > info.Rows || array.Shape[1] > info.Cols || array.Shape[0] == 0 || array.Shape[1] == 0)
        {
            throw new AimcException($"{path}: weights of shape ({string.Join(", ", array.Shape)}) do not fit a tile: need a 2-D array of at most {info.Rows} rows × {info.Cols} cols");
        }

        var data = array.ToSingle();
        for (var k = 0; k < data.Length; k++)
        {
            if (!float.IsFinite(data[k]) || data[k] is < -1f or > 1f)
            {
                throw new AimcException($"{path}: weight {data[k]} at row {k / array.Shape[1]}, column {k % array.Shape[1]} is outside [-1, 1]; scale the weights to the normalized range first");
            }
        }

        return new Grid<float>(array.Shape[0], array.Shape[1], data);
    }

    private static Grid<int> LoadInputs(string path, ChipInfo info, int rows)
    {
        var array = Npy.Read(path);
        if (array.Shape.Length != 2 || array.Shape[1] != rows || array.Shape[0] == 0)
        {
            throw new AimcException($"{path}: inputs of shape ({string.Join(", ", array.Shape)}) do not match the weights: need (batch, {rows})");
        }

        var max = info.InputCodeMax;
        int[] codes;
        if (array.Dtype.Contains('f', StringComparison.Ordinal))
        {
            var values = array.ToDouble();
            codes = new int[values.Length];
            for (var k = 0; k < values.Length; k++)
            {
                if (!double.IsFinite(values[k]) || Math.Abs(values[k]) > 1)
                {
                    throw new AimcException($"{path}: input {values[k]} at sample {k / rows}, row {k % rows} is outside [-1, 1]");
                }

                codes[k] = (int)Math.Round(values[k] * max, MidpointRounding.AwayFromZero);
            }
        }
        else
        {
            codes = array.ToInt32();
            foreach (var c in codes)
            {
                if (c < -max || c > max) // not Math.Abs: |int.MinValue| overflows
                {
                    throw new AimcException($"{path}: input code {c} is outside the {info.DacBits}-bit DAC range [-{max}, {max}]");
                }
            }
        }

        return new Grid<int>(array.Shape[0], rows, codes);
    }

    /// <summary>Uniform random weights filling the tile, with an amplitude that keeps random MACs inside the ADC range
    /// (a standard deviation of a sixth of it), so the error measured is the chip's, not clipping by design.</summary>
    private static Grid<float> RandomWeights(ChipInfo info, ulong seed)
    {
        var amplitude = RandomWeightAmplitude(info);
        var rng = SeededRandom.For(seed, "cli/weights");
        var w = new Grid<float>(info.Rows, info.Cols);
        rng.FillUniform(w.Data, -amplitude, amplitude);
        return w;
    }

    /// <summary>With w uniform in ±a and x uniform in ±1, σ(MAC) = a·√rows / 3; a = full scale / (2√rows) makes it a
    /// sixth of the full scale.</summary>
    private static float RandomWeightAmplitude(ChipInfo info) => (float)Math.Min(1, info.MacFullScale / (2 * Math.Sqrt(info.Rows)));

    private static Grid<int> RandomInputs(ChipInfo info, int rows, int count, ulong seed)
    {
        // Inputs as codes and outputs as MAC values, both held whole for the --out file and the error.
        var bytes = (long)count * (rows + info.Cols) * sizeof(int);
        var available = (long)AimcHil.Emulator.MemoryBudget.Available();
        if (bytes > available / 2)
        {
            throw new AimcException($"--random-inputs {count}: {count} vectors of {rows} inputs and {info.Cols} outputs need {bytes / (1 << 20)} MiB, more than half of the {available / (1 << 20)} MiB this machine has; run fewer vectors per call");
        }

        var rng = SeededRandom.For(seed, "cli/inputs");
        var x = new Grid<int>(count, rows);
        var max = info.InputCodeMax;
        for (var k = 0; k < x.Data.Length; k++)
        {
            x.Data[k] = rng.NextInt((2 * max) + 1) - max;
        }

        return x;
    }

    private static void Print(MvmSummary s)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{s.Chip}[/] ({s.Domain}, {s.Device}{(s.Ideal ? ", ideal" : string.Empty)}): {s.Batch} MVMs of {s.Rows}×{s.Cols}, seed {s.Seed}");
        AnsiConsole.Write(SummaryTable(s));
    }

    /// <summary>The run's error and timing figures.</summary>
    internal static Table SummaryTable(MvmSummary s)
    {
        var table = new Table().AddColumns("metric", "value");
        table.AddRow("error RMS", $"{s.RmseLsb:F3} LSB  ({s.RmseRelativeFullScale:P3} of full scale)");
        table.AddRow("error max", $"{s.MaxAbsErrorLsb:F3} LSB  ({s.MaxAbsErrorRelativeFullScale:P3} of full scale)");
        table.AddRow("LSB / full scale", $"{s.LsbMac:g4} / {s.FullScaleMac:g4} MAC");
        table.AddRow("saturated outputs", s.SaturatedOutputs.ToString());
        table.AddRow("programming", $"{s.ProgrammingPulses} pulses, {s.UnconvergedCells} weights unconverged, {s.ProgramSeconds:F2} s");
        table.AddRow("MVM time", $"{s.MvmSeconds:F3} s");
        return table;
    }
}
