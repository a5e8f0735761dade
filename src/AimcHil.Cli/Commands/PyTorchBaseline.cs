using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AimcHil.Core;
using AimcHil.Emulator;

namespace AimcHil.Cli.Commands;

/// <summary>The hil step's work in plain PyTorch (<c>tools/scripts/pytorch-baseline.py --mode hil</c>), run in the first
/// python3 on PATH that imports torch, with the case's model (mlp or lenet), the rig's chip numbers and the case's steps
/// and batch.</summary>
internal static class PyTorchBaseline
{
    public const string Script = "tools/scripts/pytorch-baseline.py";

    /// <summary>PyTorch's threads: as many as the machine this figure is quoted for has cores.</summary>
    public const int Threads = 2;

    public static PyTorchResult Measure(TrainBenchCase spec, string dataDirectory)
    {
        if (SameWorkRefusal(spec) is { } refusal)
        {
            return new PyTorchResult(null, null, null, refusal);
        }

        var script = FindScript();
        if (script is null)
        {
            return new PyTorchResult(null, null, null, $"{Script} was not found from {Environment.CurrentDirectory} or beside aimc");
        }

        var (python, tried) = FindPythonWithTorch();
        if (python is null)
        {
            var seen = tried.Count == 0 ? "no python3 on PATH" : $"no python3 on PATH imports torch (tried {string.Join(", ", tried)})";
            return new PyTorchResult(null, null, null, $"{seen}: install PyTorch (Debian: apt-get install python3-torch)");
        }

        var chip = ChipNumbers(spec.Rig.Chip!);
        var arguments = new List<string>
        {
            script, "--mode", "hil", "--model", spec.Model, "--chip", chip,
            "--steps", Invariant(spec.Steps), "--warmup", Invariant(spec.WarmupSteps),
            "--lr", Invariant(TrainBenchCase.LearningRate), "--batch", Invariant(TrainBenchCase.Batch),
            dataDirectory, Invariant(Threads),
        };
        var (exit, output, error) = Run(python, arguments, TimeSpan.FromMinutes(30));
        if (exit != 0)
        {
            var last = error.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? $"exit code {exit}";
            return new PyTorchResult(null, null, python, $"{Script} failed in {python}: {last}");
        }

        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        return new PyTorchResult(root.GetProperty("samples_per_second").GetDouble(), root.GetProperty("framework").GetString(), python, null);
    }

    /// <summary>Why the PyTorch loop would not do the same work as the hil step on this chip, or null when it would:
    /// it models a current-domain PCM chip on differential pairs, without wire resistance, drift, stuck devices or
    /// measured arrays.</summary>
    private static string? SameWorkRefusal(TrainBenchCase spec)
    {
        if (spec.Rig.Chip is not { } chip)
        {
            return "the rig is not an emulator: the PyTorch loop needs its chip's numbers";
        }

        var pcm = chip.Pcm ?? new();
        return (chip.Domain, chip.Device) != (ComputationDomain.Current, DeviceTechnology.Pcm)
            ? $"the PyTorch loop models a current-domain PCM chip, not {SnakeCase.Of(chip.Domain)} {SnakeCase.Of(chip.Device)}"
            : !chip.Wires.IsIdeal ? "the PyTorch loop has no IR-drop network: it runs on chips without wire resistance"
            : pcm.Drift && pcm.DriftScale > 0 ? "the PyTorch loop has no drift: it runs on chips with drift off"
            : pcm.StuckAt && pcm.StuckOnFraction + pcm.StuckOffFraction > 0 ? "the PyTorch loop has no stuck devices: it runs on chips without them"
            : chip.ColumnMismatch.MeasuredGain is not null || chip.ColumnMismatch.MeasuredOffset is not null ? "the PyTorch loop draws its column pattern: it runs on chips without measured arrays"
            : null;
    }

    /// <summary>The chip's numbers as the script's --chip takes them (its docstring names every key).</summary>
    private static string ChipNumbers(ChipPreset chip)
    {
        var pcm = chip.Pcm ?? new();
        var mismatch = chip.ColumnMismatch;
        return JsonSerializer.Serialize(new Dictionary<string, double>
        {
            ["rows"] = chip.Rows,
            ["cols"] = chip.Cols,
            ["dac_bits"] = chip.Dac.Bits,
            ["adc_bits"] = chip.Adc.Bits,
            ["adc_range_mac"] = chip.Adc.RangeMac,
            ["adc_inl_peak_lsb"] = chip.Adc.InlPeakLsb,
            ["gain_sigma"] = mismatch.Enabled ? mismatch.GainSigma : 0,
            ["offset_sigma_full_scale"] = mismatch.Enabled ? mismatch.OffsetSigmaFullScale : 0,
            ["programming_noise_scale"] = pcm.ProgrammingNoise ? pcm.ProgrammingNoiseScale : 0,
            ["read_noise_scale"] = pcm.ReadNoise ? pcm.ReadNoiseScale : 0,
            ["t0_seconds"] = pcm.T0Seconds,
            ["t_read_seconds"] = pcm.TReadSeconds,
            ["mvm_seconds"] = chip.Timing.MvmSeconds,
        });
    }

    private static string? FindScript()
    {
        var here = Path.GetFullPath(Script);
        if (File.Exists(here))
        {
            return here;
        }

        // An installed aimc (artifacts/aimc, bin/Release/...) sits somewhere below the checkout.
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, Script);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The first python3 on PATH whose interpreter imports torch (a pyenv or venv python3 ahead of the
    /// system one may not have it), and every one tried.</summary>
    private static (string? Python, List<string> Tried) FindPythonWithTorch()
    {
        var tried = new List<string>();
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "python3");
            if (!File.Exists(candidate) || tried.Contains(candidate))
            {
                continue;
            }

            tried.Add(candidate);
            if (Run(candidate, ["-c", "import torch"], TimeSpan.FromMinutes(1)).Exit == 0)
            {
                return (candidate, tried);
            }
        }

        return (null, tried);
    }

    /// <remarks>OMP_WAIT_POLICY=PASSIVE: PyTorch's OpenMP threads otherwise spin while they wait, and on a 2-core machine
    /// shared with other work the same loop measured 10 to 40 times slower spinning than sleeping.</remarks>
    private static (int Exit, string Output, string Error) Run(string program, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return (-1, string.Empty, $"no answer within {timeout.TotalMinutes:F0} min");
            }

            return (process.ExitCode, output.Result, error.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, string.Empty, e.Message);
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(float value) => value.ToString(CultureInfo.InvariantCulture);
}
