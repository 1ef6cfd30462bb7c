using Vigil.Core.Alerts;
using Vigil.Core.Incidents;
using Vigil.Core.Store;

namespace Vigil.Core.Dispatch;

/// <summary>Read-only views of the dispatcher's state for the APIs and for reloading the config.</summary>
public sealed partial class Dispatcher
{
    /// <summary>The receivers an alert with these labels is routed to, in routing order, without duplicates.</summary>
    public IReadOnlyList<string> Receivers(LabelSet labels)
    {
        var routes = _config.Route.Match(labels);
        var receivers = new List<string>(routes.Count);
        foreach (var route in routes)
        {
            if (!receivers.Contains(route.Receiver))
            {
                receivers.Add(route.Receiver);
            }
        }
        return receivers;
    }

    /// <summary>The groups that currently hold alerts, ordered by key.</summary>
    public IReadOnlyList<AlertGroupSnapshot> Groups
    {
        get
        {
            var result = new List<AlertGroupSnapshot>();
            foreach (var group in _groups.Values)
            {
                if (group.Alerts.Count > 0)
                {
                    var fingerprints = group.Alerts.Keys.Order().ToArray();
                    result.Add(new AlertGroupSnapshot(group.Key, group.Route.Id, group.Route.Receiver, group.GroupLabels, fingerprints, group.IncidentId, group.DueAt));
                }
            }
            result.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            return result;
        }
    }

    /// <summary>
    /// The current state of every group, for rebuilding the dispatcher in memory when the config is reloaded:
    /// <c>new Dispatcher(newConfig, old.LastIncidentId, old.ExportGroups(), old.TrackedIncidents)</c>, then observe
    /// all stored alerts again. Groups the new config cannot reach any more are resolved and deleted by its first flush.
    /// </summary>
    public IReadOnlyList<AlertGroupRecord> ExportGroups()
    {
        var records = new List<AlertGroupRecord>(_groups.Count);
        foreach (var group in _groups.Values)
        {
            records.Add(group.ToRecord());
        }
        return records;
    }

    /// <summary>
    /// Takes out of <paramref name="alerts"/> every alert a group still holds. A group holds an alert from its arrival
    /// until the flush that sees it resolved has recorded (and notified) that on the incident; only then may the alert
    /// be garbage-collected — deleted before, the flush would find it gone and could not say what resolved.
    /// </summary>
    public void ExceptHeld<T>(Dictionary<Fingerprint, T> alerts)
    {
        if (alerts.Count == 0)
        {
            return;
        }
        foreach (var group in _groups.Values)
        {
            foreach (var fingerprint in group.Alerts.Keys)
            {
                alerts.Remove(fingerprint);
            }
        }
    }

    /// <summary>The incidents the dispatcher keeps current: open ones and the latest of each group.</summary>
    public IReadOnlyList<Incident> TrackedIncidents => [.. _incidents.Values];

    /// <summary>The dispatcher's current copy of an incident it tracks (open, or the latest of a group).</summary>
    public bool TryGetIncident(long id, out Incident incident) => _incidents.TryGetValue(id, out incident!);
}
