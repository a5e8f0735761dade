using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace AimcHil.Rig;

/// <summary>A YAML parser that hands the deserializer the documented spelling of each key written under a deprecated
/// one, so the settings records keep a single property per field and the old spelling needs no property of its own.</summary>
/// <param name="inner">The parser over the rig file's text.</param>
/// <param name="renames">The new key for each deprecated key, by the place the key starts (from <see cref="RigFileOutline"/>).</param>
internal sealed class KeyRenamingParser(IParser inner, IReadOnlyDictionary<(long Line, long Column), string> renames) : IParser
{
    private ParsingEvent? _current;

    public ParsingEvent? Current => _current;

    public bool MoveNext()
    {
        if (!inner.MoveNext())
        {
            _current = null;
            return false;
        }

        _current = inner.Current is Scalar key && renames.TryGetValue((key.Start.Line, key.Start.Column), out var name)
            ? new Scalar(key.Anchor, key.Tag, name, key.Style, key.IsPlainImplicit, key.IsQuotedImplicit, key.Start, key.End)
            : inner.Current;
        return true;
    }
}
