using Vigil.Core.Alerts;
using Vigil.Core.Matching;

namespace Vigil.Core.Inhibition;

/// <summary>
/// The inhibitions in force at one moment. Built once from the firing alerts in O(alerts × rules): each rule buckets
/// its source alerts by the values of its <c>equal</c> labels, so a query is one dictionary lookup per rule instead of
/// a scan over all alerts.
/// </summary>
public sealed class InhibitionIndex
{
    private readonly RuleIndex[] _rules;

    private InhibitionIndex(RuleIndex[] rules) => _rules = rules;

    /// <param name="alerts">All known alerts; only those firing at <paramref name="now"/> can inhibit.</param>
    public static InhibitionIndex Build(IReadOnlyList<InhibitRule> rules, IEnumerable<Alert> alerts, DateTimeOffset now)
    {
        var indexes = new RuleIndex[rules.Count];
        for (var i = 0; i < rules.Count; i++)
        {
            indexes[i] = new RuleIndex(rules[i]);
        }
        foreach (var alert in alerts)
        {
            if (alert.IsResolvedAt(now))
            {
                continue;
            }
            foreach (var index in indexes)
            {
                index.AddIfSource(alert);
            }
        }
        return new InhibitionIndex(indexes);
    }

    /// <summary>Fingerprints of the firing alerts that inhibit <paramref name="target"/>; empty when none.</summary>
    public IReadOnlyList<Fingerprint> InhibitedBy(Alert target)
    {
        List<Fingerprint>? result = null;
        foreach (var index in _rules)
        {
            index.CollectSources(target, ref result);
        }
        return result ?? (IReadOnlyList<Fingerprint>)[];
    }

    public bool IsInhibited(Alert target)
    {
        foreach (var index in _rules)
        {
            if (index.Inhibits(target))
            {
                return true;
            }
        }
        return false;
    }

    private sealed class RuleIndex(InhibitRule rule)
    {
        private readonly Dictionary<string, List<Source>> _buckets = new(StringComparer.Ordinal);

        /// <param name="AlsoTarget">The source also matches the target matchers (see <see cref="Qualifies"/>).</param>
        private readonly record struct Source(Fingerprint Fingerprint, bool AlsoTarget);

        public void AddIfSource(Alert alert)
        {
            if (!rule.SourceMatchers.MatchesAll(alert.Labels))
            {
                return;
            }
            var key = EqualKey(alert.Labels);
            if (!_buckets.TryGetValue(key, out var bucket))
            {
                _buckets[key] = bucket = [];
            }
            bucket.Add(new Source(alert.Fingerprint, rule.TargetMatchers.MatchesAll(alert.Labels)));
        }

        public bool Inhibits(Alert target)
        {
            if (Bucket(target) is not { } bucket)
            {
                return false;
            }
            var targetIsSource = rule.SourceMatchers.MatchesAll(target.Labels);
            foreach (var source in bucket)
            {
                if (Qualifies(source, target, targetIsSource))
                {
                    return true;
                }
            }
            return false;
        }

        public void CollectSources(Alert target, ref List<Fingerprint>? into)
        {
            if (Bucket(target) is not { } bucket)
            {
                return;
            }
            var targetIsSource = rule.SourceMatchers.MatchesAll(target.Labels);
            foreach (var source in bucket)
            {
                if (Qualifies(source, target, targetIsSource) && (into ??= []).Contains(source.Fingerprint) is false)
                {
                    into.Add(source.Fingerprint);
                }
            }
        }

        private List<Source>? Bucket(Alert target)
        {
            if (_buckets.Count == 0 || !rule.TargetMatchers.MatchesAll(target.Labels))
            {
                return null;
            }
            return _buckets.TryGetValue(EqualKey(target.Labels), out var bucket) ? bucket : null;
        }

        /// <summary>
        /// An alert never inhibits itself. And as in Alertmanager, when the target matches both sides of the rule,
        /// sources that also match both sides are skipped, so two such alerts cannot mute each other.
        /// </summary>
        private static bool Qualifies(Source source, Alert target, bool targetIsSource) =>
            source.Fingerprint != target.Fingerprint && !(targetIsSource && source.AlsoTarget);

        /// <summary>
        /// The values of the equal labels, each prefixed with its length so no value can fake a boundary; a missing
        /// label counts as empty, as in Alertmanager.
        /// </summary>
        private string EqualKey(LabelSet labels)
        {
            var equal = rule.Equal;
            if (equal.Count == 0)
            {
                return "";
            }
            if (equal.Count == 1)
            {
                return labels.Get(equal[0]);
            }
            var key = new System.Text.StringBuilder();
            foreach (var name in equal)
            {
                var value = labels.Get(name);
                key.Append(value.Length).Append(':').Append(value);
            }
            return key.ToString();
        }
    }
}
