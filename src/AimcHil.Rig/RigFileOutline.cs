using System.Reflection;
using AimcHil.Core;
using AimcHil.Emulator;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace AimcHil.Rig;

/// <summary>A rig file's keys as written, with their lines, walked against the rig file's types before it is
/// deserialized: a duplicate key, an empty section or a list where a section goes is reported at its line in words,
/// never as the deserializer's .NET type names or a later null reference.</summary>
/// <remarks>Unknown keys and values of the wrong kind (text for a number) are left to the deserializer, whose messages
/// already name the field and what it takes.</remarks>
internal sealed class RigFileOutline
{
    // NullabilityInfoContext caches in a plain Dictionary and is not thread-safe: rig files read on several threads
    // at once (tests run in parallel, a server opening rigs) share it under this lock.
    private static readonly NullabilityInfoContext Nullability = new();
    private static readonly Lock NullabilityGate = new();
    private readonly Dictionary<string, int> _lines = [];
    private readonly Dictionary<(long Line, long Column), string> _values = [];
    private readonly Dictionary<string, string> _written = [];
    private readonly Dictionary<(long Line, long Column), string> _renames = [];
    private readonly List<(int Line, DeprecatedKey Key)> _deprecated = [];
    private readonly string _path;

    private RigFileOutline(string path) => _path = path;

    /// <summary>Walks <paramref name="yaml"/>; throws <see cref="AimcException"/> for a shape the rig file cannot have
    /// and lets a <see cref="YamlException"/> (not YAML at all) through for the reader to place.</summary>
    public static RigFileOutline Read(string yaml, string path)
    {
        var outline = new RigFileOutline(path);
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        if (parser.TryConsume<DocumentStart>(out _) && !IsNull(parser.Current))
        {
            outline.Value(parser, typeof(RigFile), string.Empty, nullable: false, line: 1);
            parser.Consume<DocumentEnd>();
            if (parser.Current is DocumentStart second)
            {
                throw new AimcException($"{path}:{second.Start.Line}: a rig file is one YAML document, and a second one starts here (after ---); remove it or put it in a file of its own");
            }
        }

        return outline;
    }

    /// <summary>Keys written under a deprecated spelling, by where the key starts, with the documented key the
    /// deserializer is to read instead.</summary>
    public IReadOnlyDictionary<(long Line, long Column), string> Renames => _renames;

    /// <summary>The deprecated keys the file uses, with their lines, in the order written.</summary>
    public IReadOnlyList<(int Line, DeprecatedKey Key)> Deprecated => _deprecated;

    /// <summary>A key path (as the types spell it) shown as the user wrote it: a message about a value names the key
    /// in the file, deprecated spelling and all.</summary>
    public string ShownAsWritten(string keyPath) => Shown(_written.GetValueOrDefault(keyPath, keyPath));

    /// <summary>The line a key was written on (<c>chip.adc.range_mac</c>, <c>direct.inputs.dacs[0].part</c>), if it was.</summary>
    public int? LineOf(string keyPath) => _lines.TryGetValue(keyPath, out var line) ? line : null;

    /// <summary>The key whose value starts at this place, if any (where a value the deserializer cannot read sits).</summary>
    public string? PathAt(long line, long column) => _values.GetValueOrDefault((line, column));

    /// <summary>A key path as messages name it: the chip's fields without the <c>chip.</c> prefix, as the chip's own
    /// messages do (<c>column_mismatch.gain_sigma</c>).</summary>
    public static string Shown(string keyPath) =>
        keyPath.StartsWith("chip.", StringComparison.Ordinal) ? keyPath["chip.".Length..] : keyPath;

    private void Value(IParser parser, Type declared, string keyPath, bool nullable, int line)
    {
        var type = Nullable.GetUnderlyingType(declared) ?? declared;
        if (parser.TryConsume<AnchorAlias>(out _))
        {
            return;
        }

        if (ValidRanges.ItemType(type) is { } item)
        {
            if (parser.TryConsume<SequenceStart>(out _))
            {
                for (var i = 0; !parser.TryConsume<SequenceEnd>(out _); i++)
                {
                    Value(parser, item, $"{keyPath}[{i}]", nullable: false, (int)parser.Current!.Start.Line);
                }

                return;
            }
        }
        else if (ValidRanges.IsSection(type))
        {
            if (parser.TryConsume<MappingStart>(out _))
            {
                Mapping(parser, type, keyPath);
                return;
            }
        }
        else if (parser.Current is Scalar scalar && (nullable || !IsNull(scalar)))
        {
            parser.MoveNext();
            return;
        }

        throw new AimcException($"{_path}:{line}: {Mismatch(parser.Current, type, keyPath.Length == 0 ? "the rig file" : ShownAsWritten(keyPath))}");
    }

    private void Mapping(IParser parser, Type type, string keyPath)
    {
        var properties = ValidRanges.Settable(type).ToDictionary(p => SnakeCase.Of(p.Name));
        var seen = new Dictionary<string, (string Written, int Line)>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            if (!parser.TryConsume<Scalar>(out var key))
            {
                throw new AimcException($"{_path}:{parser.Current!.Start.Line}: a key is a field name such as kind or rows, not a list or a section");
            }

            var line = (int)key.Start.Line;
            var deprecated = !properties.ContainsKey(key.Value) && DeprecatedKey.Of(key.Value) is { } d && properties.ContainsKey(d.New) ? d : null;
            var name = deprecated?.New ?? key.Value;
            var path = Join(keyPath, name);
            if (seen.TryGetValue(name, out var first))
            {
                throw new AimcException(first.Written == key.Value
                    ? $"{_path}:{line}: {Shown(Join(keyPath, key.Value))} is given twice (first on line {first.Line}): keep one"
                    : $"{_path}:{line}: {Shown(Join(keyPath, first.Written))} (line {first.Line}) and {Shown(Join(keyPath, key.Value))} (line {line}) are the same field: keep {name} and remove {(deprecated ?? DeprecatedKey.Of(first.Written))!.Old}, its deprecated spelling");
            }

            seen[name] = (key.Value, line);
            if (deprecated is not null)
            {
                _written[path] = Join(keyPath, key.Value);
                _renames[(key.Start.Line, key.Start.Column)] = name;
                _deprecated.Add((line, deprecated));
            }

            _lines[path] = line;
            _values[(parser.Current!.Start.Line, parser.Current.Start.Column)] = path;
            if (properties.TryGetValue(name, out var property))
            {
                Value(parser, property.PropertyType, path, MayBeNull(property), line);
            }
            else
            {
                parser.SkipThisAndNestedEvents();
            }
        }
    }

    private static string Join(string keyPath, string key) => keyPath.Length == 0 ? key : $"{keyPath}.{key}";

    private static string Mismatch(ParsingEvent? found, Type type, string shown)
    {
        var expected = RigFileReader.Describe(type);
        return found switch
        {
            Scalar s when IsNull(s) => $"{shown} is empty: expected {expected}; fill it in or remove the line",
            SequenceStart => $"{shown}: expected {expected}, not a list",
            MappingStart => $"{shown}: expected {expected}, not a section",
            _ => $"{shown}: expected {expected}, not a single value",
        };
    }

    /// <summary>Whether an empty value leaves the field as if it were not written (a nullable number or text).</summary>
    private static bool MayBeNull(PropertyInfo property) =>
        property.PropertyType.IsValueType
            ? Nullable.GetUnderlyingType(property.PropertyType) is not null
            : !ValidRanges.IsSection(property.PropertyType) && ValidRanges.ItemType(property.PropertyType) is null
                && NullableWhenWritten(property);

    private static bool NullableWhenWritten(PropertyInfo property)
    {
        lock (NullabilityGate)
        {
            return Nullability.Create(property).WriteState == NullabilityState.Nullable;
        }
    }

    /// <summary>An empty value (<c>key:</c> with nothing after it, <c>~</c> or <c>null</c>).</summary>
    private static bool IsNull(ParsingEvent? e) =>
        e is Scalar { Style: ScalarStyle.Plain, Value: "" or "~" or "null" or "Null" or "NULL" };
}
