using Vigil.Core.Alerts;
using Vigil.Core.Incidents;
using Vigil.Core.Store;
using Vigil.Server.Hosting;

namespace Vigil.Server.Pipeline;

// Garbage collection of resolved alerts (alerts.resolved_retention), as Alertmanager collects its alert store: an alert
// that ended longer ago than the retention is deleted from storage and then from memory, in one commit. Label churn (a
// pod label that changes every deploy) otherwise grows the index, the alerts table and every scan of them for good.
// It runs on the dispatcher's loop and under the incident gate, so it judges alerts against a dispatcher that matches
// storage; what something still needs is kept:
// - an alert a group holds: its resolution is not flushed (recorded, notified) yet — after a failed flush commit, the
//   catch-up below first puts it back in its group;
// - an alert of an open incident (triggered or acknowledged): its page, a resolve by hand (which lists the alerts it
//   announces), the acknowledge silence and escalation's alert counts read alert rows;
// - an alert stored again after it was judged (a new sample): the ingest writer deletes only the version judged.
// Alerts of resolved incidents are collected; their incident's page shows the copy taken when each joined it
// (incident_members), and its timeline keeps what they were.
public sealed partial class AlertPipeline
{
    /// <summary>Alerts deleted per commit: a backlog (the first collection after an upgrade) is worked off in commits
    /// of this size, and incident flushes run in between.</summary>
    internal const int MaxExpiredPerCommit = 10_000;

    private static readonly TimeSpan LongestCollectionInterval = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan ShortestCollectionInterval = TimeSpan.FromMinutes(1);

    private Cadence? _collection;

    /// <summary>How often resolved alerts are collected: every 30 minutes (Alertmanager's period), or a quarter of a
    /// shorter retention, so an alert outlives its retention by at most a quarter of it; never more than once a minute.</summary>
    public static TimeSpan CollectionInterval(TimeSpan retention)
    {
        var quarter = retention / 4;
        return quarter > LongestCollectionInterval ? LongestCollectionInterval
            : quarter < ShortestCollectionInterval ? ShortestCollectionInterval
            : quarter;
    }

    /// <summary>Called on every turn of the dispatcher's loop; collects when a collection interval has passed.</summary>
    private async Task CollectIfDueAsync(CancellationToken ct)
    {
        var alerts = Config.Current.Alerts;
        if (!alerts.CollectsResolved)
        {
            return;
        }
        var now = _time.GetUtcNow();
        var interval = CollectionInterval(alerts.ResolvedRetention);
        _collection ??= new Cadence(now, interval);
        if (!_collection.IsDue(now))
        {
            return;
        }
        try
        {
            await CollectResolvedAlertsAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Storage trouble: nothing was deleted from memory; the next collection tries again. Flushes carry on.
            _logger.LogWarning(ex, "Collecting resolved alerts failed; retrying in {Interval}", interval);
        }
        _collection.Ran(now, interval);
    }

    /// <summary>
    /// Deletes every alert that ended more than <c>alerts.resolved_retention</c> ago and that nothing needs any more
    /// (see above), from storage and memory. Returns how many were deleted.
    /// </summary>
    public async Task<int> CollectResolvedAlertsAsync(CancellationToken ct)
    {
        var retention = Config.Current.Alerts.ResolvedRetention;
        if (retention <= TimeSpan.Zero || _writer is not { } writer)
        {
            return 0;
        }
        var judged = new HashSet<Fingerprint>();
        var deleted = 0;
        bool more;
        do
        {
            await _incidentGate.WaitAsync(ct);
            try
            {
                await CatchUpWithStoreAsync(ct);
                var (expired, complete) = await ExpiredAlertsAsync(_time.GetUtcNow() - retention, judged, ct);
                deleted += await writer.ExpireAsync(expired, ct);
                more = !complete;
            }
            finally
            {
                _incidentGate.Release();
            }
        }
        while (more);
        if (deleted > 0)
        {
            _logger.LogInformation("Deleted {Count} alerts resolved before {Cutoff:O} (alerts.resolved_retention {Retention})",
                deleted, _time.GetUtcNow() - retention, retention);
        }
        return deleted;
    }

    /// <summary>
    /// Up to <see cref="MaxExpiredPerCommit"/> alerts that ended at or before <paramref name="cutoff"/> and that no open
    /// incident and no group needs, not judged before in this collection (each alert is judged once, so a collection
    /// ends however its commits go); complete when no alert is left to judge. Call under the incident gate.
    /// </summary>
    private async Task<(List<Alert> Expired, bool Complete)> ExpiredAlertsAsync(DateTimeOffset cutoff, HashSet<Fingerprint> judged, CancellationToken ct)
    {
        var open = new HashSet<Fingerprint>();
        // Stored incidents, not only the dispatcher's: one reopened by hand is open without being tracked.
        foreach (var incident in await _store.ListIncidentsAsync(new IncidentQuery([IncidentStatus.Triggered, IncidentStatus.Acknowledged], int.MaxValue), ct))
        {
            open.UnionWith(incident.Alerts);
        }
        var candidates = new Dictionary<Fingerprint, Alert>();
        var complete = true;
        foreach (var alert in Alerts.All)
        {
            if (alert.EndsAt > cutoff || open.Contains(alert.Fingerprint) || !judged.Add(alert.Fingerprint))
            {
                continue;
            }
            candidates[alert.Fingerprint] = alert;
            if (candidates.Count == MaxExpiredPerCommit)
            {
                complete = false;
                break;
            }
        }
        lock (_dispatcherLock)
        {
            _dispatcher.ExceptHeld(candidates);
        }
        return ([.. candidates.Values], complete);
    }
}
