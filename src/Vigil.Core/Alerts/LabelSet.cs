using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Vigil.Core.Alerts;

/// <summary>
/// An immutable set of label name/value pairs kept sorted by name (ordinal), so that equality,
/// fingerprinting and serialisation never depend on the order a client sent them in.
/// </summary>
public sealed class LabelSet : IReadOnlyDictionary<string, string>, IEquatable<LabelSet>
{
    public static readonly LabelSet Empty = new([]);

    private readonly KeyValuePair<string, string>[] _pairs;

    private LabelSet(KeyValuePair<string, string>[] sortedPairs) => _pairs = sortedPairs;

    /// <summary>Builds a set from pairs in any order; a later duplicate name replaces an earlier one.</summary>
    public static LabelSet From(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var dict = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs)
        {
            dict[name] = value;
        }
        return FromDistinct(dict);
    }

    public static LabelSet From(params (string Name, string Value)[] pairs)
    {
        var dict = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs)
        {
            dict[name] = value;
        }
        return FromDistinct(dict);
    }

    /// <summary>
    /// Builds a set from pairs whose names are already known to be distinct (e.g. the entries of a dictionary),
    /// taking ownership of the array and sorting it in place: no intermediate dictionary on the ingest path.
    /// </summary>
    public static LabelSet FromDistinctPairs(KeyValuePair<string, string>[] pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Length == 0)
        {
            return Empty;
        }
        Array.Sort(pairs, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        for (var i = 1; i < pairs.Length; i++)
        {
            if (string.Equals(pairs[i].Key, pairs[i - 1].Key, StringComparison.Ordinal))
            {
                throw new ArgumentException($"label name \"{pairs[i].Key}\" appears twice", nameof(pairs));
            }
        }
        return new LabelSet(pairs);
    }

    private static LabelSet FromDistinct(Dictionary<string, string> dict)
    {
        if (dict.Count == 0)
        {
            return Empty;
        }
        var array = dict.ToArray();
        Array.Sort(array, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new LabelSet(array);
    }

    public ReadOnlySpan<KeyValuePair<string, string>> Pairs => _pairs;

    public int Count => _pairs.Length;

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => _pairs.Select(p => p.Key);

    public IEnumerable<string> Values => _pairs.Select(p => p.Value);

    /// <summary>A mutable copy keyed by name (what JSON answers and notification payloads carry).</summary>
    public Dictionary<string, string> ToDictionary()
    {
        var map = new Dictionary<string, string>(_pairs.Length, StringComparer.Ordinal);
        foreach (var (name, value) in _pairs)
        {
            map[name] = value;
        }
        return map;
    }

    /// <summary>The value of a label, or the empty string when absent (Prometheus treats both the same).</summary>
    public string Get(string name) => TryGetValue(name, out var value) ? value : "";

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            value = null;
            return false;
        }
        value = _pairs[index].Value;
        return true;
    }

    private int IndexOf(string key)
    {
        int lo = 0, hi = _pairs.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var cmp = string.CompareOrdinal(_pairs[mid].Key, key);
            if (cmp == 0)
            {
                return mid;
            }
            if (cmp < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return -1;
    }

    /// <summary>The subset of this set restricted to the given names (missing names are skipped).</summary>
    public LabelSet Subset(IEnumerable<string> names)
    {
        var dict = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (TryGetValue(name, out var value))
            {
                dict[name] = value;
            }
        }
        return FromDistinct(dict);
    }

    public Fingerprint Fingerprint() => Alerts.Fingerprint.Of(this);

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(LabelSet? other)
    {
        if (other is null || other._pairs.Length != _pairs.Length)
        {
            return false;
        }
        for (var i = 0; i < _pairs.Length; i++)
        {
            if (!string.Equals(_pairs[i].Key, other._pairs[i].Key, StringComparison.Ordinal)
                || !string.Equals(_pairs[i].Value, other._pairs[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is LabelSet other && Equals(other);

    public override int GetHashCode() => Fingerprint().GetHashCode();

    /// <summary>Prometheus notation: <c>{a="1", b="2"}</c>.</summary>
    public override string ToString() =>
        "{" + string.Join(", ", _pairs.Select(p => $"{p.Key}=\"{Escape(p.Value)}\"")) + "}";

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
