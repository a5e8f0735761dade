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
            throw new AimcException($"{path}:{e.Start.Line}:{e.Start.Column}: {Explain(e, KeyOnLine(yaml, (int)e.Start.Line))}", e);
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

        // Measured arrays (a calibrated twin) sit beside the file as .npy and are named by its keys.
        return rig.Chip is { } chip ? rig with { Chip = TwinFiles.Load(chip, path) } : rig;
    }

    /// <summary>Keys an earlier version read, with what replaced them: their meaning changed with their unit, so a
    /// plain rename would silently change the chip.</summary>
    private static readonly Dictionary<string, string> RenamedKeys = new()
    {
        ["iv_a2"] = "the I–V curve now takes the voltage across the device; use iv_a2_per_volt, the old value divided by the read voltage in volts",
        ["iv_a3"] = "the I–V curve now takes the voltage across the device; use iv_a3_per_volt_squared, the old value divided by the read voltage squared (0.1 at 0.2 V is 2.5)",
        ["jitter_sigma_seconds"] = "jitter now accumulates with delay; use jitter_kappa_root_seconds, κ in √s with σ = κ·√T for a chain of delay T (1 ps per 1 ns stage is 3.16e-8)",
    };

    private static string Explain(YamlException e, string? key)
    {
        if (e is SyntaxErrorException)
        {
            return $"not valid YAML: {e.Message.TrimEnd('.')}";
        }

        var unknown = UnknownProperty().Match(e.Message);
        if (unknown.Success)
        {
            var type = Sections().FirstOrDefault(t => t.FullName == unknown.Groups["type"].Value);
            var allowed = type is null ? string.Empty : $"; allowed: {string.Join(", ", FieldNames(type))}";
            var name = unknown.Groups["name"].Value;
            if (RenamedKeys.TryGetValue(name, out var renamed))
            {
                return $"field '{name}' in {SectionName(type)} was replaced: {renamed}";
            }

            return $"unknown field '{name}' in {SectionName(type)}{allowed}";
        }

        var field = key is null
            ? null
            : Sections().SelectMany(t => t.GetProperties()).FirstOrDefault(p => Snake(p.Name) == key);
        var fieldType = field is null ? null : Nullable.GetUnderlyingType(field.PropertyType) ?? field.PropertyType;
        var value = RequestedValue().Match(Innermost(e).Message);
        if (fieldType is { IsEnum: true })
        {
            var given = value.Success ? $"'{Snake(value.Groups["value"].Value)}' is not allowed" : "bad value";
            return $"{key}: {given}; allowed: {string.Join(", ", Enum.GetNames(fieldType).Select(Snake))}";
        }

        if (fieldType is not null)
        {
            return $"{key}: expected {Describe(fieldType)}";
        }

        return Innermost(e).Message.TrimEnd('.');
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(int) || type == typeof(long) || type == typeof(ulong) => "a whole number",
        _ when type == typeof(double) => "a number (units are in the field name)",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(string) => "text",
        _ => $"a section with fields {string.Join(", ", FieldNames(type))}",
    };

    /// <summary>The mapping key written on a line of the file, if any.</summary>
    private static string? KeyOnLine(string yaml, int line)
    {
        var lines = yaml.Split('\n');
        if (line < 1 || line > lines.Length)
        {
            return null;
        }

        var text = lines[line - 1];
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 ? null : text[..colon].Trim().TrimStart('-').Trim();
    }

    /// <summary>Every section type a rig file can contain, found by walking the rig file's properties.</summary>
    private static IEnumerable<Type> Sections()
    {
        var seen = new HashSet<Type>();
        var stack = new Stack<Type>([typeof(RigFile)]);
        while (stack.Count > 0)
        {
            var type = stack.Pop();
            if (!seen.Add(type))
            {
                continue;
            }

            yield return type;
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
                if (t.IsClass && t != typeof(string) && t.Namespace?.StartsWith("AimcHil", StringComparison.Ordinal) == true)
                {
                    stack.Push(t);
                }
            }
        }
    }

    /// <summary>The snake_case keys a section of this type accepts.</summary>
    public static IEnumerable<string> FieldNames(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && p.Name != "Path" && p.GetCustomAttribute<YamlIgnoreAttribute>() is null)
            .Select(p => Snake(p.Name));

    private static string SectionName(Type? type) => type?.Name switch
    {
        null => "this section",
        "RigFile" => "the rig file",
        "ChipPreset" => "chip",
        var name => $"section {Snake(name.Replace("Config", string.Empty, StringComparison.Ordinal))}",
    };

    private static string Snake(string name) => SnakeCase.Of(name);

    [GeneratedRegex("Property '(?<name>[^']+)' not found on type '(?<type>[^']+)'")]
    private static partial Regex UnknownProperty();

    [GeneratedRegex("Requested value '(?<value>[^']*)' was not found")]
    private static partial Regex RequestedValue();
}
