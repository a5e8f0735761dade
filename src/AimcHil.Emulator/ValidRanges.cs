using System.Collections;
using System.Reflection;
using AimcHil.Core;
using YamlDotNet.Serialization;

namespace AimcHil.Emulator;

/// <summary>Checks the numeric fields of a settings object (a chip preset, a whole rig file) against the ranges written
/// next to them, so a NaN or a negative sigma is refused when the file is loaded instead of silently zeroing a chip.</summary>
public static class ValidRanges
{
    /// <summary>Every numeric field reachable from <paramref name="root"/>, depth first in declaration order.</summary>
    public static IEnumerable<RangedField> Fields(Type root, string prefix = "")
    {
        foreach (var p in Settable(root))
        {
            var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            var path = Join(prefix, p.Name);
            if (IsNumber(type))
            {
                yield return new RangedField(path, p, p.GetCustomAttribute<ValidRangeAttribute>());
            }
            else if (ItemType(type) is { } item)
            {
                foreach (var f in Fields(item, path + "[]"))
                {
                    yield return f;
                }
            }
            else if (IsSection(type))
            {
                foreach (var f in Fields(type, path))
                {
                    yield return f;
                }
            }
        }
    }

    /// <summary>The first numeric field of <paramref name="settings"/> outside its range, or null when all are in range.</summary>
    public static RangeViolation? FirstViolation(object settings, string prefix = "")
    {
        foreach (var p in Settable(settings.GetType()))
        {
            var value = p.GetValue(settings);
            var path = Join(prefix, p.Name);
            var violation = value switch
            {
                null => null,
                _ when IsNumber(value.GetType()) => Check(p, path, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)),
                IList list when ItemType(p.PropertyType) is not null => FirstInList(list, path),
                _ when IsSection(value.GetType()) => FirstViolation(value, path),
                _ => null,
            };
            if (violation is not null)
            {
                return violation;
            }
        }

        return null;
    }

    /// <summary>Throws the first violation as a one-line <see cref="AimcException"/>.</summary>
    public static void Check(object settings, string prefix = "")
    {
        if (FirstViolation(settings, prefix) is { } violation)
        {
            throw new AimcException(violation.Message);
        }
    }

    internal static bool IsWholeNumber(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(int) || type == typeof(long) || type == typeof(ulong);
    }

    private static RangeViolation? FirstInList(IList list, string path)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is { } item && FirstViolation(item, $"{path}[{i}]") is { } violation)
            {
                return violation;
            }
        }

        return null;
    }

    private static RangeViolation? Check(PropertyInfo p, string path, double value)
    {
        var range = p.GetCustomAttribute<ValidRangeAttribute>()
            ?? throw new InvalidOperationException($"{p.DeclaringType?.Name}.{p.Name} has no [ValidRange]: every numeric rig-file field needs one");
        return range.Admits(value) ? null : new RangeViolation(path, value, range, IsWholeNumber(p.PropertyType));
    }

    /// <summary>The properties of a settings type a rig file can set (public, writable, not YAML-ignored).</summary>
    public static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<YamlIgnoreAttribute>() is null);

    private static bool IsNumber(Type type) => IsWholeNumber(type) || type == typeof(double) || type == typeof(float);

    /// <summary>Whether values of this type are sections of key: value lines (settings records of this project).</summary>
    public static bool IsSection(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("AimcHil", StringComparison.Ordinal) == true;

    /// <summary>The section type of a list field's items, or null when the type is not a list of sections.</summary>
    public static Type? ItemType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) && IsSection(type.GetGenericArguments()[0])
            ? type.GetGenericArguments()[0]
            : null;

    private static string Join(string prefix, string name) => prefix.Length == 0 ? SnakeCase.Of(name) : $"{prefix}.{SnakeCase.Of(name)}";
}
