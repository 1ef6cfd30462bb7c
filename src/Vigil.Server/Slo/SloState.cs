using Vigil.Core.Alerts;
using Vigil.Core.Slo.Alerting;
using Vigil.Core.Slo.Budget;
using Vigil.Core.Slo.Evaluation;
using Vigil.Core.Slo.OpenSlo;
using Vigil.Core.Store;

namespace Vigil.Server.Slo;

/// <summary>
/// One configured SLO's live state: its evaluator (the SLI's minutes and every objective's budget, burn rates and
/// alert rules), where its SLI comes from (native events, or Prometheus with the read progress and status) and the
/// alerts it sent last. The evaluator is not thread-safe: it is only used under <see cref="Gate"/>.
/// </summary>
public sealed class SloState
{
    public SloState(ServiceLevelObjective slo, ServiceLevelIndicator? indicator, IReadOnlyList<PolicyCondition> conditions, PrometheusSli? prometheus)
    {
        Slo = slo;
        Indicator = indicator;
        Conditions = conditions;
        Prometheus = prometheus;
        Evaluator = new SloEvaluator(slo, conditions);
        Source = prometheus is null ? null : new SloSourceStatus();
    }

    public ServiceLevelObjective Slo { get; }

    public ServiceLevelIndicator? Indicator { get; }

    public IReadOnlyList<PolicyCondition> Conditions { get; }

    public string Name => Slo.Name;

    /// <summary>How the SLI is read from Prometheus; null when it comes from <c>POST /api/v1/sli-events</c>.</summary>
    public PrometheusSli? Prometheus { get; }

    /// <summary>Status of reading Prometheus; null for native SLIs.</summary>
    public SloSourceStatus? Source { get; }

    /// <summary>How far the Prometheus SLI has been read and stored (null: never, or with other queries).</summary>
    public SloSourceRecord? Progress { get; set; }

    /// <summary>True when the stored minutes were read with other queries (or never): the window must be read again.</summary>
    public bool NeedsBackfill => Prometheus is { } p && (Progress is null || Progress.SourceKey != p.Key);

    public SloEvaluator Evaluator { get; private set; }

    public Lock Gate { get; } = new();

    /// <summary>The alerts sent last round and still held (to re-send, keep their start, and resolve when they stop), by fingerprint.</summary>
    public Dictionary<Fingerprint, Alert> Sent { get; set; } = [];

    /// <summary>True when this state evaluates the same definition as <paramref name="other"/> (a reload left it unchanged).</summary>
    public bool SameDefinition(SloState other) =>
        Slo == other.Slo && Indicator == other.Indicator && Prometheus == other.Prometheus
        && Conditions.Count == other.Conditions.Count
        && Conditions.Zip(other.Conditions).All(p => p.First with { NotificationTargets = [] } == p.Second with { NotificationTargets = [] }
            && p.First.NotificationTargets.SequenceEqual(p.Second.NotificationTargets));

    /// <summary>Earliest event time that still counts: the history keeps one window of minutes.</summary>
    public DateTimeOffset Oldest(DateTimeOffset now) => DateTimeOffset.FromUnixTimeSeconds(Evaluator.OldestMinute(now) * 60);

    /// <summary>Every objective's burn rates, budget and conditions as of <paramref name="now"/>.</summary>
    public IReadOnlyList<ObjectiveStatus> Evaluate(DateTimeOffset now)
    {
        var failing = Source?.Snapshot() is { State: SloSourceStatus.Error, FailingSince: { } since } ? now - since : (TimeSpan?)null;
        lock (Gate)
        {
            return [.. Evaluator.Objectives.Select(o => o.Evaluate(now, failing))];
        }
    }

    public BurnDown BurnDown(int objective, DateTimeOffset now, int maxPoints)
    {
        lock (Gate)
        {
            return Evaluator.Objectives[objective].BurnDown(now, maxPoints);
        }
    }

    /// <summary>The range of stored minutes the history's edge must be loaded with for the window at <paramref name="now"/>, if any.</summary>
    public (long From, long End)? EdgeToLoad(DateTimeOffset now)
    {
        lock (Gate)
        {
            return Evaluator.EdgeToLoad(now);
        }
    }

    /// <summary>Sets the history's edge (see <see cref="SliHistory.SetEdge"/>).</summary>
    public void SetEdge(long from, IEnumerable<(long Minute, double Good, double Total)> minutes)
    {
        lock (Gate)
        {
            Evaluator.History.SetEdge(from, minutes);
        }
    }

    /// <summary>Adds native events to their minutes, all at once: a reader sees the whole batch or none of it (a
    /// week of history seeded in one batch was seen half added).</summary>
    public void Add(IEnumerable<SloMinuteRecord> minutes)
    {
        lock (Gate)
        {
            foreach (var m in minutes)
            {
                Evaluator.History.Add(m.Minute, m.Good, m.Total);
            }
        }
    }

    /// <summary>Stores minutes read from Prometheus, replacing what they held, oldest first.</summary>
    public void Set(IEnumerable<KeyValuePair<long, EventCounts>> minutes)
    {
        lock (Gate)
        {
            foreach (var (minute, counts) in minutes.OrderBy(m => m.Key))
            {
                Evaluator.History.Set(minute, counts.Good, counts.Total);
            }
        }
    }

    /// <summary>Starts over with an empty history (a backfill replaces everything stored).</summary>
    public void Reset()
    {
        lock (Gate)
        {
            Evaluator = new SloEvaluator(Slo, Conditions);
        }
    }
}
