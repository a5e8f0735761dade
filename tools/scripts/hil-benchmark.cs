#:property PublishAot=false
// The results table of README: every training mode on the benchmark chip hil-rigs/fmnist-hil-1.yaml, 784-256-10 MLP,
// one seed. Runs the real `aimc train` (built once into artifacts/aimc) and writes docs/hil-benchmark.md.
// Usage (from the repository root): dotnet run tools/scripts/hil-benchmark.cs [-- --epochs 5 --hil-epochs 1 --hil-examples 6400 --physical-examples 640 --reprogram delta:0.005]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

var softwareEpochs = Option("--epochs", 5);
var fineTuneEpochs = Option("--hil-epochs", 1);
var reprogram = OptionText("--reprogram", "delta:0.005");
var hilExamples = Option("--hil-examples", 6400);
var physicalExamples = Option("--physical-examples", 640);
var root = Directory.GetCurrentDirectory();
var runs = Path.Combine(root, "runs", "hil-benchmark");
var aimc = Path.Combine(root, "artifacts", "aimc", "aimc");
Run("dotnet", ["build", "src/AimcHil.Cli", "-c", "Release", "-o", "artifacts/aimc", "-v", "quiet", "-nologo"]);
if (Directory.Exists(runs))
{
    Directory.Delete(runs, recursive: true);
}

const string Rig = "hil-rigs/fmnist-hil-1.yaml";
var rows = new List<(string Mode, string Note, JsonElement Summary, double WallSeconds)>();
Train("software", $"{softwareEpochs} epochs from scratch", ["--mode", "software", "--epochs", $"{softwareEpochs}"]);
var init = Path.Combine(runs, "software");
Train("naive", "software model programmed once (one pulse per device)", ["--mode", "naive", "--epochs", "0", "--init", init, "--rig", Rig]);
Train("noise", $"{fineTuneEpochs} epoch(s) of noise-aware fine-tuning from the software model", ["--mode", "noise", "--epochs", $"{fineTuneEpochs}", "--lr", "2e-4", "--init", init, "--rig", Rig]);
Train("physical", $"physical-model fine-tuning from the software model on the first {physicalExamples} training examples (each step solves and differentiates the IR-drop network of 5 tiles)", ["--mode", "physical", "--epochs", "1", "--train-limit", $"{physicalExamples}", "--lr", "2e-4", "--init", init, "--rig", Rig]);
Train("hil", $"hil fine-tuning from the software model on the first {hilExamples} training examples, reprogram {reprogram}", ["--mode", "hil", "--epochs", "1", "--train-limit", $"{hilExamples}", "--lr", "1e-4", "--reprogram", reprogram, "--init", init, "--rig", Rig]);
var characterized = Path.Combine(runs, "characterize");
var twin = Path.Combine(runs, "twin", "fmnist-hil-1.twin.yaml");
var twinWatch = Stopwatch.StartNew();
Run(aimc, ["characterize", "all", "--rig", Rig, "--out", characterized, "--no-plots", "--json"]);
Run(aimc, ["calibrate", "--datasets", characterized, "--out", twin, "--json"]);
var twinSeconds = twinWatch.Elapsed.TotalSeconds;
Console.Error.WriteLine($"twin: characterized and calibrated in {twinSeconds:F0} s");
Train("hil, calibrated twin", $"as hil, with the backward pass through the chip's digital twin (`--backward-model calibrated`; `aimc characterize all` and `aimc calibrate` took {twinSeconds:F0} s more)", ["--mode", "hil", "--backward-model", "calibrated", "--twin", twin, "--epochs", "1", "--train-limit", $"{hilExamples}", "--lr", "1e-4", "--reprogram", reprogram, "--init", init, "--rig", Rig], "hil-calibrated");
Train("progressive", $"{fineTuneEpochs} epoch(s) per layer of progressive fine-tuning from the software model", ["--mode", "progressive", "--epochs", $"{fineTuneEpochs}", "--lr", "2e-4", "--init", init, "--rig", Rig]);

var table = new StringBuilder();
table.AppendLine("| mode | chip test accuracy | software test accuracy | epochs | programming pulses | wall time | run |");
table.AppendLine("|---|---|---|---|---|---|---|");
foreach (var (mode, note, s, wall) in rows)
{
    var chip = s.GetProperty("chip_test_accuracy").ValueKind == JsonValueKind.Null ? "—" : Percent(s.GetProperty("chip_test_accuracy").GetDouble());
    table.AppendLine(CultureInfo.InvariantCulture, $"| {mode} | {chip} | {Percent(s.GetProperty("software_test_accuracy").GetDouble())} | {s.GetProperty("epochs").GetInt32()} | {s.GetProperty("programming_pulses").GetInt64():N0} | {wall:F0} s | {note} |");
}

var text = $"Benchmark chip `{Rig}`, 784-256-10 MLP, Fashion-MNIST (60000 train / 10000 test), seed 1, " +
    $"{Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}. Produced by `dotnet run tools/scripts/hil-benchmark.cs`.\n\n{table}";
Directory.CreateDirectory(Path.Combine(root, "docs"));
File.WriteAllText(Path.Combine(root, "docs", "hil-benchmark.md"), text);
Console.WriteLine(text);

void Train(string mode, string note, string[] args, string? directory = null)
{
    var watch = Stopwatch.StartNew();
    var output = Run(aimc, ["train", .. args, "--out", Path.Combine(runs, directory ?? mode), "--json"]);
    rows.Add((mode, note, JsonDocument.Parse(output).RootElement.Clone(), watch.Elapsed.TotalSeconds));
    Console.Error.WriteLine($"{mode}: done in {watch.Elapsed.TotalSeconds:F0} s");
}

string Run(string file, string[] arguments)
{
    var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
    foreach (var a in arguments)
    {
        start.ArgumentList.Add(a);
    }

    using var process = Process.Start(start)!;
    var stdout = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}");
    }

    return stdout;
}

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

string OptionText(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static string Percent(double value) => (100 * value).ToString("F2", CultureInfo.InvariantCulture) + " %";
