using System.Collections.Frozen;
using System.Text.Json;

namespace Vigil.Storage.Mapping;

/// <summary>
/// Enum values as stored: lower-case snake_case names (<c>AlertAdded</c> → <c>alert_added</c>). Names rather than
/// numbers keep the database readable for operators and make reordering or inserting an enum member harmless.
/// </summary>
internal static class EnumNames<T> where T : struct, Enum
{
    private static readonly FrozenDictionary<T, string> ToName =
        Enum.GetValues<T>().ToFrozenDictionary(v => v, v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()));

    private static readonly FrozenDictionary<string, T> FromName =
        ToName.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    public static string Name(T value) =>
        ToName.TryGetValue(value, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(value), value, $"not a defined {typeof(T).Name}");

    /// <summary>Parses a stored name; an unknown one means the database was written by a newer Vigil, so fail loudly.</summary>
    public static T Parse(string name) =>
        FromName.TryGetValue(name, out var value) ? value : throw new FormatException($"unknown {typeof(T).Name} \"{name}\" in the database");
}
