using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AimcHil.Core;

namespace AimcHil.Training.Interchange;

/// <summary>The JSON header of a .safetensors file: for each tensor its dtype, shape and byte range in the data that
/// follows, plus the optional <c>__metadata__</c> string map. Parsing checks everything the specification requires.</summary>
internal sealed record SafeTensorsHeader(IReadOnlyList<SafeTensorsHeader.Entry> Entries, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The key of the string map that is not a tensor.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The reference implementation refuses larger headers; a length field beyond it is damage, not a header.</summary>
    public const long MaxBytes = 100_000_000;

    /// <summary>Bytes the header (with its 8-byte length field) is padded to with spaces, as the reference writer does,
    /// so the data that follows is aligned for every dtype.</summary>
    private const int Alignment = 8;

    // Readable keys (non-ASCII names as UTF-8, '+' as itself): any escaping is valid JSON, this one is what a person reads.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Parses and validates <paramref name="json"/> against a data section of <paramref name="dataLength"/> bytes:
    /// well-formed UTF-8 JSON, known dtypes, shapes of non-negative integers, byte ranges of exactly the shape's size,
    /// inside the data, neither overlapping nor leaving a byte of the data to no tensor (the specification forbids
    /// holes, so a file cannot hide a second format in them).</summary>
    /// <exception cref="AimcException">One line naming <paramref name="source"/> and what is wrong.</exception>
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> json, long dataLength, string source)
    {
        var text = Decode(json, source);
        using var document = ParseJson(text, source);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw Error(source, $"the header is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object of tensors");
        }

        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                throw Error(source, $"the header names '{property.Name}' twice");
            }

            if (property.Name == MetadataKey)
            {
                ReadMetadata(property.Value, metadata, source);
            }
            else
            {
                entries.Add(ReadEntry(property.Name, property.Value, dataLength, source));
            }
        }

        CheckCoverage(entries, dataLength, source);
        return new SafeTensorsHeader(entries, metadata);
    }

    /// <summary>The header bytes the reference writer would produce for these entries: compact JSON,
    /// <c>__metadata__</c> first (left out when empty), padded with spaces to a multiple of 8 bytes with the length field.</summary>
    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            if (Metadata.Count > 0)
            {
                writer.WriteStartObject(MetadataKey);
                foreach (var (key, value) in Metadata)
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            foreach (var entry in Entries)
            {
                writer.WriteStartObject(entry.Name);
                writer.WriteString("dtype", entry.Dtype);
                writer.WriteStartArray("shape");
                foreach (var dimension in entry.Shape)
                {
                    writer.WriteNumberValue(dimension);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(entry.Begin);
                writer.WriteNumberValue(entry.End);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        var padding = (Alignment - (int)(buffer.Length % Alignment)) % Alignment;
        buffer.Write(Enumerable.Repeat((byte)' ', padding).ToArray());
        return buffer.ToArray();
    }

    private static string Decode(ReadOnlySpan<byte> json, string source)
    {
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(json);
        }
        catch (DecoderFallbackException)
        {
            throw Error(source, "the header is not UTF-8 text (damaged, or not a safetensors file)");
        }
    }

    private static JsonDocument ParseJson(string text, string source)
    {
        // The specification requires the header to open with '{'; checking it first gives a file of another format
        // (a zip, a pickle) a plain message instead of a JSON parser's.
        if (!text.StartsWith('{'))
        {
            throw Error(source, "the header does not start with '{' (damaged, or not a safetensors file)");
        }

        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw Error(source, $"the header is not well-formed JSON ({e.Message.ReplaceLineEndings(" ")})");
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Error(source, $"{MetadataKey} is not an object of strings");
        }

        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw Error(source, $"{MetadataKey} '{item.Name}' is a {item.Value.ValueKind.ToString().ToLowerInvariant()}, not a string (the metadata maps names to strings)");
            }

            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
            {
                throw Error(source, $"{MetadataKey} names '{item.Name}' twice");
            }
        }
    }

    private static Entry ReadEntry(string name, JsonElement value, long dataLength, string source)
    {
        string Problem(string what) => $"tensor '{name}': {what}";
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Error(source, Problem("not an object with dtype, shape and data_offsets"));
        }

        // JSON leaves a repeated key to the reader; the reference reader refuses it, and so does this one.
        var repeated = value.EnumerateObject().GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw Error(source, Problem($"'{repeated.Key}' is given twice"));
        }

        var dtype = value.TryGetProperty("dtype", out var d) && d.ValueKind == JsonValueKind.String
            ? d.GetString()!
            : throw Error(source, Problem("no dtype string"));
        var size = SafeTensorsDtype.SizeOf(dtype) ?? throw Error(source, Problem($"unknown dtype '{dtype}' (the format's dtypes: {SafeTensorsDtype.Known})"));
        var shape = value.TryGetProperty("shape", out var s) && s.ValueKind == JsonValueKind.Array && s.EnumerateArray().All(n => n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out var k) && k >= 0)
            ? s.EnumerateArray().Select(n => n.GetInt32()).ToArray()
            : throw Error(source, Problem("shape is not a list of non-negative integers"));
        long begin = 0, end = -1;
        if (!value.TryGetProperty("data_offsets", out var o) || o.ValueKind != JsonValueKind.Array || o.GetArrayLength() != 2
            || o[0].ValueKind != JsonValueKind.Number || o[1].ValueKind != JsonValueKind.Number
            || !o[0].TryGetInt64(out begin) || !o[1].TryGetInt64(out end) || begin < 0 || end < begin)
        {
            throw Error(source, Problem("data_offsets is not [begin, end] with 0 ≤ begin ≤ end"));
        }

        if (end > dataLength)
        {
            throw Error(source, Problem($"data_offsets [{begin}, {end}] reach past the end of the data ({dataLength} bytes): the file is truncated"));
        }

        var count = TensorShape.ElementCount(shape);
        if (count is null || count * size != end - begin)
        {
            var needs = count is null ? "more elements than an array holds" : $"{count * size} bytes";
            throw Error(source, Problem($"{dtype} {TensorShape.Text(shape)} needs {needs}, but data_offsets [{begin}, {end}] hold {end - begin}"));
        }

        return new Entry(name, dtype, shape, begin, end);
    }

    private static void CheckCoverage(List<Entry> entries, long dataLength, string source)
    {
        // Sorted by range, every tensor must start where the previous one ended: an earlier start is an overlap, a
        // later one a hole. Empty tensors take no bytes and may sit anywhere.
        long covered = 0;
        Entry? previous = null;
        foreach (var entry in entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (entry.Begin < covered)
            {
                throw Error(source, $"tensors '{previous!.Name}' [{previous.Begin}, {previous.End}] and '{entry.Name}' [{entry.Begin}, {entry.End}] overlap");
            }

            if (entry.Begin > covered)
            {
                throw Error(source, $"bytes {covered} to {entry.Begin} of the data belong to no tensor (the format allows no holes)");
            }

            covered = entry.End;
            previous = entry;
        }

        if (covered != dataLength)
        {
            throw Error(source, $"the data holds {dataLength - covered} bytes after the last tensor that belong to no tensor (the format allows none)");
        }
    }

    private static AimcException Error(string source, string what) => new($"{source}: {what}");

    /// <summary>One tensor's declaration; <see cref="Begin"/> and <see cref="End"/> are byte offsets into the data
    /// section that follows the header.</summary>
    public sealed record Entry(string Name, string Dtype, IReadOnlyList<int> Shape, long Begin, long End);
}
