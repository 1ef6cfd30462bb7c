using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace Vigil.Storage.Postgres;

/// <summary>
/// PostgreSQL cannot store the NUL character: text refuses the byte (22021) and jsonb the <c>\u0000</c> escape (22P05).
/// One such string in a group commit failed the whole commit — every request merged into it got a 5xx, whoever sent
/// the NUL (found by a bad-input sweep: incident comments, silence comments, token names, PagerDuty details, …). So
/// every string written is made storable here, in the one place all writes pass: NUL becomes U+FFFD (the replacement
/// character), in text and in JSON. SQLite stores NUL as given; the APIs refuse it where a value is an identity
/// (labels, metric labels), so only free text is affected.
/// </summary>
internal static partial class PostgresText
{
    private const char Replacement = '\uFFFD';

    private static readonly ConcurrentDictionary<string, HashSet<int>> JsonParameters = new(StringComparer.Ordinal);

    /// <summary>A parameter value of the statement <paramref name="sql"/> (its <paramref name="position"/>, from 1) made
    /// storable: strings and string arrays, as text or — where the statement casts that parameter to jsonb — as JSON.</summary>
    public static object Storable(string sql, int position, object value)
    {
        switch (value)
        {
            case string text:
                return Storable(text, IsJson(sql, position));
            case string?[] texts:
                var json = IsJson(sql, position);
                return Array.Exists(texts, t => t is not null && HasNul(t, json)) ? Array.ConvertAll(texts, t => t is null ? null : Storable(t, json)) : texts;
            default:
                return value;
        }
    }

    private static bool HasNul(string text, bool json) =>
        text.Contains('\0', StringComparison.Ordinal) || (json && text.Contains(@"\u0000", StringComparison.Ordinal));

    private static string Storable(string text, bool json)
    {
        var storable = text.Contains('\0', StringComparison.Ordinal) ? text.Replace('\0', Replacement) : text;
        return json && storable.Contains(@"\u0000", StringComparison.Ordinal) ? WithoutNulEscapes(storable) : storable;
    }

    /// <summary>Rewrites each JSON escape <c>\u0000</c> as <c>\ufffd</c>, leaving an escaped backslash followed by the
    /// text "u0000" (<c>\\u0000</c>) alone.</summary>
    private static string WithoutNulEscapes(string json)
    {
        var result = new StringBuilder(json.Length);
        for (var i = 0; i < json.Length; i++)
        {
            if (json[i] != '\\' || i + 1 == json.Length)
            {
                result.Append(json[i]);
            }
            else if (json.AsSpan(i + 1).StartsWith("u0000", StringComparison.Ordinal))
            {
                result.Append(@"\ufffd");
                i += 5;
            }
            else
            {
                result.Append(json, i, 2); // any other escape, an escaped backslash included, is kept whole
                i++;
            }
        }
        return result.ToString();
    }

    private static bool IsJson(string sql, int position) =>
        JsonParameters.GetOrAdd(sql, static s => [.. JsonCast().Matches(s).Select(m => int.Parse(m.Groups["position"].Value, System.Globalization.CultureInfo.InvariantCulture))])
            .Contains(position);

    [GeneratedRegex(@"\$(?<position>\d+)::jsonb", RegexOptions.CultureInvariant)]
    private static partial Regex JsonCast();
}
