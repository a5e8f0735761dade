using System.Text.Json;
using AimcHil.Characterization.Datasets;
using AimcHil.Core;

namespace AimcHil.Characterization.Procedures;

/// <summary>A reusable measurement: the quantities it records and the blocks it measures, planned for one chip.</summary>
/// <remarks>The plan is a pure function of the chip's info and the settings, so a resumed run finds every point at
/// the sequence number an uninterrupted run gave it.</remarks>
public abstract class Procedure
{
    /// <summary>The CLI name: "programming", "drift", "read-noise", "transfer", "ir-drop", "stuck".</summary>
    public abstract string Name { get; }

    public abstract IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <summary>The settings as stored in the dataset (a resume must bring the same).</summary>
    public abstract string SettingsJson { get; }

    public abstract IReadOnlyList<MeasurementBlock> Plan(ChipInfo chip);

    protected static string ToJson<T>(T settings) => JsonSerializer.Serialize(settings, JsonOptions);

    internal static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
    };

    protected static ParameterSpec Setpoint(string name, string unit, string description, string shape = "") =>
        new(name, unit, ParameterRole.Setpoint, [], description, shape);

    protected static ParameterSpec Measured(string name, string unit, string[] dependsOn, string description, string shape = "") =>
        new(name, unit, ParameterRole.Measured, dependsOn, description, shape);

    /// <summary>Checks the tiles a setting names exist on the chip.</summary>
    protected static int[] TilesOn(ChipInfo chip, IReadOnlyList<int>? tiles)
    {
        if (tiles is null || tiles.Count == 0)
        {
            return Enumerable.Range(0, chip.Tiles).ToArray();
        }

        foreach (var t in tiles)
        {
            if (t < 0 || t >= chip.Tiles)
            {
                throw new AimcException($"tile {t} does not exist: {chip.Name} has tiles 0 to {chip.Tiles - 1}");
            }
        }

        return tiles.ToArray();
    }
}
