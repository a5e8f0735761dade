using System.Globalization;
using System.Text;

namespace AimcHil.Numerics;

/// <summary>Parses the Python literal subset NumPy writes in headers: dicts, tuples, lists, strings, integers, True/False/None.</summary>
internal sealed class NpyHeaderParser(string text)
{
    private int _pos;

    public object? ParseDocument()
    {
        var value = ParseValue();
        SkipWhitespace();
        if (_pos != text.Length)
        {
            throw Error("unexpected text after the dictionary");
        }

        return value;
    }

    private object? ParseValue()
    {
        SkipWhitespace();
        if (_pos >= text.Length)
        {
            throw Error("unexpected end");
        }

        var ch = text[_pos];
        return ch switch
        {
            '{' => ParseDictionary(),
            '(' => ParseSequence(')'),
            '[' => ParseSequence(']'),
            '\'' or '"' => ParseString(),
            _ when char.IsAsciiDigit(ch) || ch is '-' or '+' => ParseInteger(),
            _ when char.IsAsciiLetter(ch) => ParseName(),
            _ => throw Error($"unexpected '{ch}'"),
        };
    }

    private Dictionary<string, object?> ParseDictionary()
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        _pos++;
        while (true)
        {
            SkipWhitespace();
            if (Accept('}'))
            {
                return result;
            }

            if (ParseValue() is not string key)
            {
                throw Error("dictionary key is not a string");
            }

            SkipWhitespace();
            Expect(':');
            result[key] = ParseValue();
            SkipWhitespace();
            if (!Accept(','))
            {
                Expect('}');
                return result;
            }
        }
    }

    private List<object?> ParseSequence(char close)
    {
        var result = new List<object?>();
        _pos++;
        while (true)
        {
            SkipWhitespace();
            if (Accept(close))
            {
                return result;
            }

            result.Add(ParseValue());
            SkipWhitespace();
            if (!Accept(','))
            {
                Expect(close);
                return result;
            }
        }
    }

    private string ParseString()
    {
        var quote = text[_pos++];
        var value = new StringBuilder();
        while (_pos < text.Length && text[_pos] != quote)
        {
            // Escapes cannot occur in the descriptors and keys NumPy writes; keep the escaped character.
            if (text[_pos] == '\\' && _pos + 1 < text.Length)
            {
                _pos++;
            }

            value.Append(text[_pos++]);
        }

        Expect(quote);
        return value.ToString();
    }

    private long ParseInteger()
    {
        var start = _pos;
        if (text[_pos] is '-' or '+')
        {
            _pos++;
        }

        while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
        {
            _pos++;
        }

        if (!long.TryParse(text.AsSpan(start, _pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw Error("bad integer");
        }

        // Python 2 NumPy wrote shapes as longs, e.g. (2L, 3L).
        if (_pos < text.Length && text[_pos] is 'L' or 'l')
        {
            _pos++;
        }

        return value;
    }

    private object? ParseName()
    {
        var start = _pos;
        while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] == '_'))
        {
            _pos++;
        }

        return text[start.._pos] switch
        {
            "True" => true,
            "False" => false,
            "None" => null,
            var name => throw Error($"unknown name '{name}'"),
        };
    }

    private void SkipWhitespace()
    {
        while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
        {
            _pos++;
        }
    }

    private bool Accept(char expected)
    {
        if (_pos < text.Length && text[_pos] == expected)
        {
            _pos++;
            return true;
        }

        return false;
    }

    private void Expect(char expected)
    {
        if (!Accept(expected))
        {
            throw Error($"expected '{expected}'");
        }
    }

    private FormatException Error(string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{what} at offset {_pos}"));
}
