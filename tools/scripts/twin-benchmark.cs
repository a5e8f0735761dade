#:property PublishAot=false
#:project ../../src/AimcHil.Rig/AimcHil.Rig.csproj
// The digital-twin figures of README: every emulator preset with PCM or RRAM devices characterized (`aimc characterize
// all`), calibrated (`aimc calibrate`) and checked (`aimc twin-check`), each fitted parameter next to the preset's own
// value. Runs the real `aimc` (built once into artifacts/aimc) and writes docs/twin-benchmark.md.
// Usage (from the repository root): dotnet run tools/scripts/twin-benchmark.cs [-- hil-rigs/NAME.yaml ...]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AimcHil.Emulator;
using AimcHil.Rig;

string[] presets = args.Length > 0 ? args :
[
    "hil-rigs/fmnist-hil-1.yaml", "hil-rigs/pcm-current-256.yaml", "hil-rigs/rram-passive-1r.yaml",
    "hil-rigs/rram-1t1r-charge.yaml", "hil-rigs/rram-resistive-division.yaml",
];
var root = Directory.GetCurrentDirectory();
var runs = Path.Combine(root, "runs", "twin-benchmark");
var aimc = Path.Combine(root, "artifacts", "aimc", "aimc");
Run("dotnet", ["build", "src/AimcHil.Cli", "-c", "Release", "-o", "artifacts/aimc", "-v", "quiet", "-nologo"]);
if (Directory.Exists(runs))
{
    Directory.Delete(runs, recursive: true);
}

var text = new StringBuilder();
text.AppendLine(CultureInfo.InvariantCulture, $"Every emulator preset with PCM or RRAM devices, seed 1, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}. Produced by `dotnet run tools/scripts/twin-benchmark.cs`; runs land in `runs/twin-benchmark/`.");
text.AppendLine();
foreach (var rigPath in presets)
{
    var preset = RigFileReader.Read(rigPath).Chip ?? throw new InvalidOperationException($"{rigPath} is not an emulator rig");
    var name = Path.GetFileNameWithoutExtension(rigPath);
    var dir = Path.Combine(runs, name);
    var twin = Path.Combine(dir, "twin.yaml");
    var watch = Stopwatch.StartNew();
    var (characterizeCode, _, characterizeError) = Aimc(["characterize", "all", "--rig", rigPath, "--out", Path.Combine(dir, "datasets"), "--json"]);
    var measureSeconds = watch.Elapsed.TotalSeconds;
    text.AppendLine(CultureInfo.InvariantCulture, $"### `{rigPath}` ({preset.Rows}×{preset.Cols}, {preset.Tiles} tiles, {Snake(preset.Domain)} domain, {Snake(preset.Device)})");
    text.AppendLine();
    if (characterizeCode != 0)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"`aimc characterize all` stopped: {characterizeError.Trim()}").AppendLine();
        continue;
    }

    watch.Restart();
    var (calibrateCode, calibrateOutput, calibrateError) = Aimc(["calibrate", "--datasets", Path.Combine(dir, "datasets"), "--out", twin, "--json"]);
    var fitSeconds = watch.Elapsed.TotalSeconds;
    if (calibrateCode != 0)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"Measured in {measureSeconds:F0} s; not calibrated: `{calibrateError.Trim()}`").AppendLine();
        continue;
    }

    // A passive array's write-verify cannot narrow its programming errors (its reads see sneak paths and never come
    // within tolerance), so each column's mean error carries a fresh full-σ draw on chip and twin alike; only more
    // input vectors average it down (with 64, the chip programmed again under another seed reaches 0.895 against itself).
    var samples = preset.AccessTransistors ? "64" : "256";
    var (_, checkOutput, _) = Aimc(["twin-check", "--rig", rigPath, "--twin", twin, "--samples", samples, "--json"]);
    var check = JsonDocument.Parse(checkOutput).RootElement;
    text.AppendLine(CultureInfo.InvariantCulture, $"Measured in {measureSeconds:F0} s, fitted in {fitSeconds:F0} s. Twin check{(samples == "64" ? "" : $" ({samples} input vectors)")}: per-column systematic error correlation **{check.GetProperty("column_systematic_correlation").GetDouble():F3}**, per output {check.GetProperty("systematic_correlation").GetDouble():F3}; random error σ twin/chip **{check.GetProperty("random_sigma_ratio").GetDouble():F3}** ({check.GetProperty("twin_random_sigma_mac").GetDouble():F4} / {check.GetProperty("chip_random_sigma_mac").GetDouble():F4} MAC).");
    text.AppendLine();
    text.AppendLine("| parameter | preset | fitted | ± 1σ | error |");
    text.AppendLine("|---|---|---|---|---|");
    foreach (var p in JsonDocument.Parse(calibrateOutput).RootElement.GetProperty("parameters").EnumerateArray())
    {
        var key = p.GetProperty("key").GetString()!;
        var value = Number(p.GetProperty("value"));
        var sigma = Number(p.GetProperty("uncertainty"));
        var truth = Truth(preset, key);
        var error = truth is > 0 ? Percent(100 * (value - truth.Value) / truth.Value) : "—";
        text.AppendLine(CultureInfo.InvariantCulture, $"| `{key}` | {(truth is { } t ? t.ToString("G4", CultureInfo.InvariantCulture) : "—")} | {value.ToString("G4", CultureInfo.InvariantCulture)} | {(double.IsNaN(sigma) ? "—" : sigma.ToString("G2", CultureInfo.InvariantCulture))} | {error} |");
    }

    text.AppendLine();
    Console.Error.WriteLine($"{name}: measured {measureSeconds:F0} s, fitted {fitSeconds:F0} s");
}

Directory.CreateDirectory(Path.Combine(root, "docs"));
File.WriteAllText(Path.Combine(root, "docs", "twin-benchmark.md"), text.ToString());
Console.WriteLine(text);

// The preset's own value of a fitted parameter (0 where the effect is off), or null where the preset states none.
static double? Truth(ChipPreset p, string key) => key switch
{
    "pcm.programming_noise_scale" => p.Pcm!.ProgrammingNoise ? p.Pcm.ProgrammingNoiseScale : 0,
    "pcm.read_noise_scale" => p.Pcm!.ReadNoise ? p.Pcm.ReadNoiseScale : 0,
    "pcm.drift_scale" => p.Pcm!.Drift ? p.Pcm.DriftScale : 0,
    "rram.programming_noise_scale" => p.Rram!.ProgrammingNoise ? p.Rram.ProgrammingSigma / 0.03 : 0,
    "rram.read_noise_scale" => p.Rram!.ReadNoise ? p.Rram.ReadNoiseSigma / 0.01 : 0,
    "rram.iv_a2_per_volt" => p.Rram!.IvNonLinearity ? p.Rram.IvA2PerVolt : 0,
    "rram.iv_a3_per_volt_squared" => p.Rram!.IvNonLinearity ? p.Rram.IvA3PerVoltSquared : 0,
    "stuck_on_fraction" => StuckAt(p) ? (p.Pcm?.StuckOnFraction ?? p.Rram!.StuckOnFraction) : 0,
    "stuck_off_fraction" => StuckAt(p) ? (p.Pcm?.StuckOffFraction ?? p.Rram!.StuckOffFraction) : 0,
    "wires.word_segment_ohm" => p.Wires.WordSegmentOhm,
    "wires.bit_segment_ohm" => p.Wires.BitSegmentOhm,
    "column_mismatch.gain_sigma" => p.ColumnMismatch.Enabled ? p.ColumnMismatch.GainSigma : 0,
    "column_mismatch.offset_sigma_full_scale" => p.ColumnMismatch.Enabled ? p.ColumnMismatch.OffsetSigmaFullScale : 0,
    "adc.inl_peak_lsb" => p.Adc.InlPeakLsb,
    _ => null,
};

static string Percent(double value)
{
    var rounded = Math.Round(value, 1);
    return (rounded == 0 ? 0 : rounded).ToString("+0.0;−0.0;0.0", CultureInfo.InvariantCulture) + " %";
}

static bool StuckAt(ChipPreset p) => p.Pcm?.StuckAt ?? p.Rram!.StuckAt;

static double Number(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetDouble() : double.Parse(e.GetString()!, CultureInfo.InvariantCulture);

static string Snake(Enum value) => string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

(int Code, string Stdout, string Stderr) Aimc(string[] arguments)
{
    var start = new ProcessStartInfo(aimc) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    foreach (var a in arguments)
    {
        start.ArgumentList.Add(a);
    }

    using var process = Process.Start(start)!;
    var stderr = process.StandardError.ReadToEndAsync();
    var stdout = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    var errorLines = stderr.Result.Split('\n').Where(l => l.StartsWith("aimc: error:", StringComparison.Ordinal));
    return (process.ExitCode, stdout, string.Join('\n', errorLines));
}

static void Run(string file, string[] arguments)
{
    var start = new ProcessStartInfo(file) { UseShellExecute = false };
    foreach (var a in arguments)
    {
        start.ArgumentList.Add(a);
    }

    using var process = Process.Start(start)!;
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}");
    }
}
