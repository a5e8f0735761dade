using System.Text.Json;
using AimcHil.Characterization.Datasets;
using AimcHil.Characterization.Procedures;
using AimcHil.Core;

namespace AimcHil.Characterization.Calibration;

/// <summary>Everything measured on one chip, by procedure: the datasets a calibration fits, checked to come from one
/// chip geometry and to cover every parameter of the twin.</summary>
public sealed class MeasuredChip
{
    public static readonly IReadOnlyList<string> Required = ["stuck", "programming", "read-noise", "drift", "transfer", "ir-drop"];

    private readonly Dictionary<string, (RunHeader Header, IReadOnlyList<DataPoint> Points)> _runs;

    /// <summary>Points of a passive array with their read-backs inverted, by procedure, as first asked for.</summary>
    private readonly Dictionary<string, IReadOnlyList<DataPoint>> _devices = [];

    public MeasuredChip(IEnumerable<(RunHeader Header, IReadOnlyList<DataPoint> Points)> runs)
    {
        _runs = [];
        foreach (var run in runs)
        {
            if (!_runs.TryAdd(run.Header.Procedure, run))
            {
                throw new AimcException($"two {run.Header.Procedure} datasets were given: pass one per measurement");
            }
        }

        var missing = Required.Where(r => !_runs.ContainsKey(r)).ToArray();
        if (missing.Length > 0)
        {
            throw new AimcException($"no {string.Join(", ", missing)} dataset among those given: the twin needs every one of {string.Join(", ", Required)} (run `aimc characterize all`)");
        }

        Chip = _runs["transfer"].Header.Chip;
        foreach (var (name, run) in _runs)
        {
            var other = run.Header.Chip;
            if (other.Rows != Chip.Rows || other.Cols != Chip.Cols || other.Tiles != Chip.Tiles || other.Domain != Chip.Domain || other.Device != Chip.Device)
            {
                throw new AimcException($"the {name} dataset is from a {Describe(other)} chip, the transfer dataset from a {Describe(Chip)} one: calibrate from datasets of one chip");
            }
        }
    }

    public ChipInfo Chip { get; }

    /// <summary>The points of one procedure; on a passive array its read-backs turned into the device states behind
    /// them (<see cref="SneakPathInversion"/>), as every fit wants the devices, not the array.</summary>
    public IReadOnlyList<DataPoint> Points(string procedure)
    {
        var points = _runs[procedure].Points;
        if (!Readings.Passive(Chip))
        {
            return points;
        }

        if (!_devices.TryGetValue(procedure, out var devices))
        {
            devices = SneakPathInversion.Devices(points);
            _devices[procedure] = devices;
        }

        return devices;
    }

    public T Settings<T>(string procedure) =>
        JsonSerializer.Deserialize<T>(_runs[procedure].Header.SettingsJson, Procedure.JsonOptions)
        ?? throw new AimcException($"the {procedure} dataset's settings cannot be read");

    public string RigSnapshot => _runs["transfer"].Header.RigSnapshot;

    private static string Describe(ChipInfo c) => $"{c.Rows}×{c.Cols}, {c.Tiles}-tile {SnakeCase.Of(c.Domain)} {SnakeCase.Of(c.Device)}";
}
