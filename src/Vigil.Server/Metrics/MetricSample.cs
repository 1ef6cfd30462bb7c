using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Vigil.Core.Alerts;

namespace Vigil.Server.Metrics;

/// <summary>One sample of one series, as pushed or read from Prometheus.</summary>
public readonly record struct MetricSample(SeriesKey Series, DateTime Timestamp, double Value);

/// <summary>
/// A series' identity: name plus labels, sorted by label name. <see cref="Id"/> is a short stable hash of the
/// canonical text, so URLs stay short and the same series gets the same id on every replica and after restarts.
/// </summary>
public sealed class SeriesKey
{
    public SeriesKey(string name, IEnumerable<KeyValuePair<string, string>> labels)
    {
        Name = name;
        Labels = new SortedDictionary<string, string>(labels.ToDictionary(), StringComparer.Ordinal);
        Canonical = Format(name, Labels);
        Id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical)).AsSpan(0, 8));
    }

    public string Id { get; }

    public string Name { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>PromQL-style text: <c>name{a="x",b="y"}</c>.</summary>
    public string Canonical { get; }

    public override string ToString() => Canonical;

    /// <summary>The <see cref="Canonical"/> text of a series without building its key (no hash): a batch parser
    /// looks its keys up by it. Sorts <paramref name="labels"/> (names must be distinct).</summary>
    public static string CanonicalOf(string name, List<KeyValuePair<string, string>> labels)
    {
        labels.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return Format(name, labels);
    }

    /// <summary>The labels with the name as <c>__name__</c>, as matchers of capacity and detector rules see them.</summary>
    public LabelSet ToLabelSet() => LabelSet.From([.. Labels.Select(l => (l.Key, l.Value)), ("__name__", Name)]);

    private static string Format(string name, IReadOnlyCollection<KeyValuePair<string, string>> labels)
    {
        if (labels.Count == 0)
        {
            return name;
        }
        var text = new StringBuilder(name).Append('{');
        var first = true;
        foreach (var (key, value) in labels)
        {
            text.Append(first ? "" : ",").Append(key).Append("=\"")
                .Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
            first = false;
        }
        return text.Append('}').ToString();
    }

    internal static string Number(double value) =>
        Math.Abs(value) is >= 1e6 or < 1e-3 and > 0 ? value.ToString("G4", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);
}
