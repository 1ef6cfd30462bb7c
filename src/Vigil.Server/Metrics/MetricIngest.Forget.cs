using Vigil.Core.Store;

namespace Vigil.Server.Metrics;

public sealed partial class MetricIngest
{
    /// <summary>
    /// Forgets every series that has learned no sample for <c>metrics.series_ttl</c>: its detector, points, stored row
    /// and journal go, and its place in its detector rule is given back. Series churn (a pod's labels, a replaced
    /// instance), and without this the dead ones would fill <c>max_series</c> until new series were skipped. A series
    /// that sends again later starts afresh. Returns how many were forgotten.
    /// </summary>
    public async Task<int> ForgetStaleAsync(CancellationToken ct)
    {
        var ttl = Config.SeriesTtl;
        if (ttl <= TimeSpan.Zero)
        {
            return 0;
        }
        var now = _time.GetUtcNow();
        var changes = new ChangeSet();
        foreach (var state in _series.Values)
        {
            lock (state.Gate)
            {
                // Under the gate, so a sample being learned now keeps its series; one that took the state just before
                // and learns after is learned by a forgotten series (the next sample starts a new one).
                if (now - state.LastLearnedAt < ttl || !_series.TryRemove(new(state.Key.Id, state)))
                {
                    continue;
                }
            }
            ReleaseRule(state.RuleKey);
            changes.DeletedMetricSeries.Add(state.Key.Id);
            changes.DroppedMetricJournals.Add(state.Key.Id);
        }
        if (changes.IsEmpty)
        {
            return 0;
        }
        // If this fails the rows stay stored: a restart restores them, and they are forgotten again a TTL later.
        await _store.ApplyAsync([changes], ct);
        LogForgotten(changes.DeletedMetricSeries.Count, ttl);
        return changes.DeletedMetricSeries.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metric detection forgot {Series} series that learned nothing for {Ttl} (metrics.series_ttl)")]
    private partial void LogForgotten(int series, TimeSpan ttl);
}
