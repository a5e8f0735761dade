using System.Globalization;
using AimcHil.Rig;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace AimcHil.Characterization.Calibration;

/// <summary>Writes a fitted twin as a rig file of kind emulator, its measured arrays as .npy beside it, and reads it
/// back once to prove the file opens as the chip it describes.</summary>
public static class TwinWriter
{
    private static readonly ISerializer Yaml = new SerializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .WithEnumNamingConvention(UnderscoredNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        .WithTypeInspector(inner => new SettablePropertiesOnly(inner))
        .Build();

    /// <summary>Leaves out computed properties (IsIdeal, …): the rig reader knows only keys it can set.</summary>
    private sealed class SettablePropertiesOnly(YamlDotNet.Serialization.ITypeInspector inner) : YamlDotNet.Serialization.TypeInspectors.TypeInspectorSkeleton
    {
        public override string GetEnumName(Type enumType, string name) => inner.GetEnumName(enumType, name);

        public override string GetEnumValue(object enumValue) => inner.GetEnumValue(enumValue);

        public override IEnumerable<YamlDotNet.Serialization.IPropertyDescriptor> GetProperties(Type type, object? container) =>
            inner.GetProperties(type, container).Where(p => p.CanWrite);
    }

    public static void Write(string yamlPath, TwinFit fit, string measuredFrom)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(yamlPath))!;
        Directory.CreateDirectory(directory);
        var files = TwinFiles.WriteArrays(yamlPath, fit.ColumnGain, fit.ColumnOffset, fit.Stuck.Map, fit.Stuck.Arrays);
        var preset = fit.Preset with
        {
            ColumnMismatch = fit.Preset.ColumnMismatch with { GainFile = files.GainFile, OffsetFile = files.OffsetFile, MeasuredGain = null, MeasuredOffset = null },
            StuckMapFile = files.StuckMapFile,
            MeasuredStuck = null,
        };
        var header = string.Join('\n',
            $"# Digital twin of {fit.Preset.Name[..^"-twin".Length]}, fitted by `aimc calibrate` on {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC",
            $"# from {measuredFrom}",
            "# Fitted parameters (value ± one sigma, residual):",
            string.Join('\n', fit.Report.Select(p => $"#   {p.Key} = {p.Value.ToString("G5", CultureInfo.InvariantCulture)} ± {p.Uncertainty.ToString("G2", CultureInfo.InvariantCulture)} {p.Unit} (residual {p.Residual.ToString("G3", CultureInfo.InvariantCulture)} {p.ResidualUnit})")),
            string.Empty);
        var body = Yaml.Serialize(new Dictionary<string, object>
        {
            ["kind"] = "emulator",
            ["description"] = $"calibrated twin of {fit.Preset.Name[..^"-twin".Length]}",
            ["seed"] = 1,
            ["chip"] = preset,
        });
        var temporary = yamlPath + ".tmp";
        File.WriteAllText(temporary, header + body);
        File.Move(temporary, yamlPath, overwrite: true);
        RigFileReader.Read(yamlPath);
    }
}
