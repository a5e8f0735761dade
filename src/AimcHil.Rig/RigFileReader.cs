using System.Reflection;
using System.Text.RegularExpressions;
using AimcHil.Core;
using AimcHil.Emulator;
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

    /// <summary>Largest rig file read, in characters: the presets are about 3 kB, and a device such as /dev/zero
    /// given by mistake must not be read until memory runs out.</summary>
    public const int MaxChars = 1 << 20;

    /// <summary>Reads the rig file at <paramref name="path"/>; a deprecated key gets one line on
    /// <paramref name="warnings"/> (standard error unless given).</summary>
    public static RigFile Read(string path, TextWriter? warnings = null)
    {
        if (Directory.Exists(path))
        {
            throw new AimcException($"{path}: is a directory, not a rig file (the presets are in hil-rigs/, e.g. hil-rigs/pcm-current-256.yaml)");
        }

        if (!File.Exists(path))
        {
            throw new AimcException($"{path}: no such rig file (the presets are in hil-rigs/, e.g. hil-rigs/pcm-current-256.yaml)");
        }

        using var reader = new StreamReader(path);
        var text = new char[MaxChars + 1];
        var length = reader.ReadBlock(text);
        if (length > MaxChars)
        {
            throw new AimcException($"{path}: is larger than {MaxChars / 1024} KiB, which no rig file is; give a rig file (YAML, e.g. hil-rigs/pcm-current-256.yaml)");
        }

        return Parse(new string(text, 0, length), path, warnings);
    }

    /// <summary>Reads rig-file text that came from <paramref name="path"/>; a deprecated key gets one line on
    /// <paramref name="warnings"/> (standard error unless given), once the file has read without error.</summary>
    public static RigFile Parse(string yaml, string path, TextWriter? warnings = null)
    {
        RigFile? rig;
        RigFileOutline? outline = null;
        try
        {
            outline = RigFileOutline.Read(yaml, path);
            rig = Yaml.Deserialize<RigFile>(new KeyRenamingParser(new Parser(new StringReader(yaml)), outline.Renames));
        }
        catch (YamlException e)
        {
            var line = (int)e.Start.Line;
            throw new AimcException($"{path}:{line}:{e.Start.Column}: {Explain(e, KeyOnLine(yaml, line), outline)}", e);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException && e.Source == "YamlDotNet")
        {
            // YamlDotNet reports a malformed tag (a "!…" that is no URI) and some scanner states this way, not as a YamlException.
            var reason = e.Message.Split(" (Parameter", 2)[0].ReplaceLineEndings(" ").TrimEnd('.');
            throw new AimcException($"{path}: not a rig file YAML can read ({reason}); rig files use no tags (!…): see hil-rigs/RIG-FILE.md", e);
        }

        if (rig is null)
        {
            throw new AimcException($"{path}: the rig file is empty; it needs at least 'kind' and, for kind emulator, a 'chip' section");
        }

        rig = rig with { Path = path };
        if (ValidRanges.FirstViolation(rig) is { } violation)
        {
            var place = outline!.LineOf(violation.Path) is { } line ? $"{path}:{line}" : path;
            throw new AimcException($"{place}: {(violation with { Path = outline.ShownAsWritten(violation.Path) }).Message}");
        }

        if (rig.Kind == RigKind.Emulator && rig.Chip is null)
        {
            throw new AimcException($"{path}: kind emulator needs a 'chip' section (domain, device, rows, cols, …)");
        }

        // Measured arrays (a calibrated twin) sit beside the file as .npy and are named by its keys.
        rig = rig.Chip is { } chip ? rig with { Chip = TwinFiles.Load(chip, path) } : rig;

        // Warnings only for a file that reads: a mistake in it is the one line its reader sees.
        foreach (var (line, key) in outline!.Deprecated)
        {
            (warnings ?? Console.Error).WriteLine(key.Warning($"{path}:{line}"));
        }

        return rig;
    }

    /// <summary>Keys an earlier version read, with what replaced them: their meaning changed with their unit, so a
    /// plain rename would silently change the chip.</summary>
    private static readonly Dictionary<string, string> RenamedKeys = new()
    {
        ["iv_a2"] = "the I–V curve now takes the voltage across the device; use iv_a2_per_volt, the old value divided by the read voltage in volts",
        ["iv_a3"] = "the I–V curve now takes the voltage across the device; use iv_a3_per_volt_squared, the old value divided by the read voltage squared (0.1 at 0.2 V is 2.5)",
        ["jitter_sigma_seconds"] = "jitter now accumulates with delay; use jitter_kappa_root_seconds, κ in √s with σ = κ·√T for a chain of delay T (1 ps per 1 ns stage is 3.16e-8)",
    };

    private static string Explain(YamlException e, string? key, RigFileOutline? outline)
    {
        var keyPath = outline?.PathAt(e.Start.Line, e.Start.Column);
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

        if (RangeOf(keyPath) is { } ranged)
        {
            return $"{outline!.ShownAsWritten(keyPath!)}: {ranged.Range!.Describe(ranged.WholeNumber)}";
        }

        if (fieldType is not null)
        {
            return $"{key}: expected {Describe(fieldType)}";
        }

        // The deserializer's own words name .NET types, which mean nothing to someone editing a rig file.
        var message = Innermost(e).Message.TrimEnd('.');
        return message.Contains("AimcHil.", StringComparison.Ordinal) || message.Contains("System.", StringComparison.Ordinal)
            ? $"{key ?? "this value"}: cannot be read as written; the fields and what they take are in hil-rigs/RIG-FILE.md"
            : message;
    }

    /// <summary>The numeric field a key path names, with its range (list indices match any item).</summary>
    private static RangedField? RangeOf(string? keyPath) =>
        keyPath is null
            ? null
            : ValidRanges.Fields(typeof(RigFile)).FirstOrDefault(f => f.Range is not null && f.Path == ListIndex().Replace(keyPath, "[]"));

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    /// <summary>What a field of this type takes, in words ("a whole number", "a section with fields …").</summary>
    internal static string Describe(Type type) => type switch
    {
        _ when type == typeof(int) || type == typeof(long) || type == typeof(ulong) => "a whole number",
        _ when type == typeof(double) => "a number (units are in the field name)",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(string) => "text",
        _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type).Select(Snake))}",
        _ when ValidRanges.ItemType(type) is { } item => $"a list of sections with fields {string.Join(", ", FieldNames(item))}",
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

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex ListIndex();

    [GeneratedRegex("Requested value '(?<value>[^']*)' was not found")]
    private static partial Regex RequestedValue();
}
