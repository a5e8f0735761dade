using System.Reflection;
using System.Text.RegularExpressions;
using AimcHil.Core;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace AimcHil.Rig;

/// <summary>Reads rig files, turning every mistake in one into a one-line message naming the file, the line, the
/// field and what is allowed there.</summary>
public static partial class RigFileReader
{
    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .WithEnumNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    public static RigFile Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new AimcException($"{path}: no such rig file (the presets are in hil-rigs/, e.g. hil-rigs/pcm-current-256.yaml)");
        }

        return Parse(File.ReadAllText(path), path);
    }

    public static RigFile Parse(string yaml, string path)
    {
        RigFile? rig;
        try
        {
            rig = Yaml.Deserialize<RigFile>(yaml);
        }
        catch (YamlException e)
        {
            throw new AimcException($"{path}:{e.Start.Line}:{e.Start.Column}: {Explain(e)}", e);
        }

        if (rig is null)
        {
            throw new AimcException($"{path}: the rig file is empty; it needs at least 'kind' and, for kind emulator, a 'chip' section");
        }

        rig = rig with { Path = path };
        if (rig.Kind == RigKind.Emulator && rig.Chip is null)
        {
            throw new AimcException($"{path}: kind emulator needs a 'chip' section (domain, device, rows, cols, …)");
        }

        return rig;
    }

    private static string Explain(YamlException e)
    {
        var inner = e.InnerException;
        var unknown = UnknownProperty().Match(e.Message);
        if (unknown.Success)
        {
            var type = AppDomain.CurrentDomain.GetAssemblies()
                .Select(a => a.GetType(unknown.Groups["type"].Value))
                .FirstOrDefault(t => t is not null);
            var allowed = type is null ? string.Empty : $"; allowed: {string.Join(", ", FieldNames(type))}";
            return $"unknown field '{unknown.Groups["name"].Value}' in {SectionName(type)}{allowed}";
        }

        while (inner?.InnerException is not null && inner is not FormatException and not OverflowException and not ArgumentException)
        {
            inner = inner.InnerException;
        }

        if (inner is ArgumentException or FormatException or OverflowException)
        {
            var value = RequestedValue().Match(inner.Message);
            var enumType = EnumType().Match(inner.Message);
            if (value.Success && enumType.Success)
            {
                var type = AppDomain.CurrentDomain.GetAssemblies()
                    .Select(a => a.GetType(enumType.Groups["type"].Value))
                    .FirstOrDefault(t => t is not null && t.IsEnum);
                if (type is not null)
                {
                    return $"'{value.Groups["value"].Value}' is not a {Snake(type.Name)}; allowed: {string.Join(", ", Enum.GetNames(type).Select(Snake))}";
                }
            }

            return $"bad value: {inner.Message}";
        }

        return e.Message.TrimEnd('.');
    }

    /// <summary>The snake_case keys a section of this type accepts.</summary>
    public static IEnumerable<string> FieldNames(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && p.Name != "Path")
            .Select(p => Snake(p.Name));

    private static string SectionName(Type? type) => type?.Name switch
    {
        null => "this section",
        "RigFile" => "the rig file",
        "ChipPreset" => "chip",
        var name => $"section {Snake(name.Replace("Config", string.Empty, StringComparison.Ordinal))}",
    };

    private static string Snake(string name) => UnderscoredNamingConvention.Instance.Apply(name);

    [GeneratedRegex("Property '(?<name>[^']+)' not found on type '(?<type>[^']+)'")]
    private static partial Regex UnknownProperty();

    [GeneratedRegex("Requested value '(?<value>[^']*)' was not found")]
    private static partial Regex RequestedValue();

    [GeneratedRegex("(?<type>AimcHil[.\\w]+)")]
    private static partial Regex EnumType();
}
