using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using AimcHil.Core;

namespace AimcHil.Training.Layers;

/// <summary>Checkpoints of a model's parameter values, by parameter name, in a small binary format written atomically.</summary>
/// <remarks>Layout, little-endian: the 8 ASCII bytes "AIMCMODL", int32 format version, int32 parameter count, then per
/// parameter its name (7-bit-length-prefixed UTF-8, as BinaryWriter writes strings), int32 rows, int32 cols and
/// rows·cols float32 values. Binary rather than JSON so values round-trip bit for bit and large layers stay small.</remarks>
public static partial class ModelState
{
    public const int FormatVersion = 1;

    private static readonly byte[] Magic = "AIMCMODL"u8.ToArray();

    /// <summary>Writes every parameter's values to <paramref name="path"/>: first to a temporary file in the same
    /// directory, flushed to disk, then renamed over the target, so a crash mid-save leaves the previous checkpoint.</summary>
    public static void Save(string path, IEnumerable<Parameter> parameters)
    {
        var list = parameters.ToList();
        var duplicate = list.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"two parameters are named '{duplicate.Key}'; a checkpoint keys values by name", nameof(parameters));
        }

        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath) ?? ".";
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Path.GetRandomFileName()}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
                {
                    Write(writer, list);
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AimcException($"{path}: cannot write the checkpoint: {e.Message}", e);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>Copies the values saved in <paramref name="path"/> into <paramref name="parameters"/>. The checkpoint
    /// must hold exactly these names with the same shapes; otherwise nothing is changed and an
    /// <see cref="AimcException"/> names the file and the first parameter that does not match.</summary>
    public static void Load(string path, IEnumerable<Parameter> parameters)
    {
        var saved = FromLegacyMlpNames(Read(path));
        var model = parameters.ToList();
        foreach (var parameter in model)
        {
            if (!saved.TryGetValue(parameter.Name, out var entry))
            {
                throw new AimcException($"{path}: the checkpoint has no parameter '{parameter.Name}' ({parameter.Rows}×{parameter.Cols}) that the model needs");
            }

            if (entry.Rows != parameter.Rows || entry.Cols != parameter.Cols)
            {
                throw new AimcException($"{path}: parameter '{parameter.Name}' is {entry.Rows}×{entry.Cols} in the checkpoint but {parameter.Rows}×{parameter.Cols} in the model");
            }
        }

        var names = model.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var extra = saved.Values.FirstOrDefault(entry => !names.Contains(entry.Name));
        if (extra is not null)
        {
            throw new AimcException($"{path}: the checkpoint holds parameter '{extra.Name}' ({extra.Rows}×{extra.Cols}), which the model does not have");
        }

        foreach (var parameter in model)
        {
            saved[parameter.Name].Values.CopyTo(parameter.Value, 0);
        }
    }

    /// <summary>A model.bin written before parameters took PyTorch's names and layouts holds an MLP as "fc1.weight"
    /// (inputs × outputs), "fc1.bias", "fc2.weight", …: read as "0.weight" (outputs × inputs), "0.bias", "2.weight", …,
    /// so the weights of earlier runs still serve as --init. Files with any other name are returned as they are.</summary>
    private static Dictionary<string, Entry> FromLegacyMlpNames(Dictionary<string, Entry> saved)
    {
        if (saved.Count == 0 || !saved.Keys.All(name => LegacyName().IsMatch(name)))
        {
            return saved;
        }

        var renamed = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var entry in saved.Values)
        {
            var match = LegacyName().Match(entry.Name);
            var name = $"{2 * (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) - 1)}.{match.Groups[2].Value}";
            if (match.Groups[2].Value == "bias")
            {
                renamed[name] = entry with { Name = name };
                continue;
            }

            var transposed = new float[entry.Values.Length];
            for (var i = 0; i < entry.Rows; i++)
            {
                for (var j = 0; j < entry.Cols; j++)
                {
                    transposed[(j * entry.Rows) + i] = entry.Values[(i * entry.Cols) + j];
                }
            }

            renamed[name] = new Entry(name, entry.Cols, entry.Rows, transposed);
        }

        return renamed;
    }

    [GeneratedRegex(@"^fc([1-9][0-9]{0,3})\.(weight|bias)$")]
    private static partial Regex LegacyName();

    private static void Write(BinaryWriter writer, List<Parameter> parameters)
    {
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(parameters.Count);
        foreach (var parameter in parameters)
        {
            writer.Write(parameter.Name);
            writer.Write(parameter.Rows);
            writer.Write(parameter.Cols);
            if (BitConverter.IsLittleEndian)
            {
                writer.Write(MemoryMarshal.AsBytes(parameter.Value.AsSpan()));
            }
            else
            {
                foreach (var value in parameter.Value)
                {
                    writer.Write(value);
                }
            }
        }
    }

    private static Dictionary<string, Entry> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new AimcException($"{path}: no such checkpoint file");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            using var reader = new BinaryReader(stream, Encoding.UTF8);
            if (stream.Length < Magic.Length || !reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            {
                throw new AimcException($"{path}: not an AimcHil model checkpoint");
            }

            var version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                throw new AimcException($"{path}: checkpoint format version {version} is not supported; this build reads version {FormatVersion}");
            }

            var count = reader.ReadInt32();
            if (count < 0)
            {
                throw Corrupt(path);
            }

            var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var rows = reader.ReadInt32();
                var cols = reader.ReadInt32();
                var length = (long)rows * cols;

                // Checked against the bytes left so a damaged header cannot request a huge allocation.
                if (rows <= 0 || cols <= 0 || length * sizeof(float) > stream.Length - stream.Position || entries.ContainsKey(name))
                {
                    throw Corrupt(path);
                }

                var values = new float[length];
                if (BitConverter.IsLittleEndian)
                {
                    stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
                }
                else
                {
                    for (var k = 0; k < values.Length; k++)
                    {
                        values[k] = reader.ReadSingle();
                    }
                }

                entries[name] = new Entry(name, rows, cols, values);
            }

            if (stream.Position != stream.Length)
            {
                throw Corrupt(path);
            }

            return entries;
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException)
        {
            throw Corrupt(path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AimcException($"{path}: cannot read the checkpoint: {e.Message}", e);
        }
    }

    private static AimcException Corrupt(string path, Exception? inner = null)
    {
        const string Reason = "the checkpoint is truncated or corrupt";
        return inner is null ? new AimcException($"{path}: {Reason}") : new AimcException($"{path}: {Reason}", inner);
    }

    private sealed record Entry(string Name, int Rows, int Cols, float[] Values);
}
