using Microsoft.Extensions.Time.Testing;
using Vigil.Core.Alerts;
using Vigil.Core.Config;
using Vigil.Core.Dispatch;
using Vigil.Core.Incidents;
using Vigil.Core.Store;

namespace Vigil.Core.Tests.Dispatch;

/// <summary>
/// Plays the server's part around a <see cref="Dispatcher"/>: stores alerts (merging as the store would), observes
/// them, flushes at the fake clock's time and "persists" every change set into in-memory tables, so tests can also
/// restart the dispatcher from exactly what would be in the database.
/// </summary>
internal sealed class DispatchHarness
{
    public const string DefaultYaml = """
        route:
          receiver: default
          group_by: [alertname, service]
          group_wait: 30s
          group_interval: 5m
          repeat_interval: 4h
          routes:
            - matchers: ['team="db"']
              receiver: db
        receivers:
          - name: default
          - name: db
        incidents:
          reopen_window: 1h
        """;

    public DispatchHarness(string yaml = DefaultYaml)
    {
        Config = ConfigLoader.Parse(yaml, "test.yml");
        Dispatcher = new Dispatcher(Config, 0, [], []);
    }

    public VigilConfig Config { get; private set; }

    public FakeTimeProvider Clock { get; } = new(TestData.T0);

    public DateTimeOffset Now => Clock.GetUtcNow();

    public Dispatcher Dispatcher { get; private set; }

    public HashSet<Fingerprint> Muted { get; } = [];

    public Dictionary<Fingerprint, Alert> Alerts { get; } = [];

    public Dictionary<long, Incident> Incidents { get; } = [];

    public List<TimelineEntry> Timeline { get; } = [];

    public Dictionary<string, AlertGroupRecord> Groups { get; } = [];

    public List<ChangeSet> Changes { get; } = [];

    /// <summary>Receives an alert now: its UpdatedAt is the current time, as the ingest path would set it.</summary>
    public Alert Fire(params (string Name, string Value)[] labels) => Ingest(TestData.Firing(Now, labels));

    public Alert Resolve(Alert alert) => Ingest(alert.Resolved(Now));

    public Alert Refire(Alert alert) => Ingest(alert.Refired(Now));

    public Alert Ingest(Alert alert)
    {
        var stored = AlertMerge.Combine(Alerts.GetValueOrDefault(alert.Fingerprint), alert);
        Alerts[stored.Fingerprint] = stored;
        Dispatcher.Observe(stored);
        return stored;
    }

    /// <summary>Moves the clock and flushes whatever became due on the way, at the times it became due.</summary>
    public void Advance(TimeSpan by)
    {
        var until = Now + by;
        while (Dispatcher.NextDue is { } due && due <= until)
        {
            Clock.SetUtcNow(due);
            Flush();
        }
        Clock.SetUtcNow(until);
        Flush();
    }

    public ChangeSet Flush()
    {
        var changes = Dispatcher.Flush(Now, a => Muted.Contains(a.Fingerprint));
        Persist(changes);
        return changes;
    }

    public void Persist(ChangeSet changes)
    {
        Changes.Add(changes);
        foreach (var incident in changes.Incidents)
        {
            Incidents[incident.Id] = incident;
        }
        Timeline.AddRange(changes.Timeline);
        foreach (var group in changes.Groups)
        {
            Groups[group.Key] = group;
        }
        foreach (var key in changes.DeletedGroups)
        {
            Groups.Remove(key);
        }
    }

    /// <summary>Applies a manual action as the server would: transition, tell the dispatcher, persist.</summary>
    public Incident Act(long id, Func<Incident, IncidentTransition> action)
    {
        Assert.True(Dispatcher.TryGetIncident(id, out var current));
        var result = action(current);
        Dispatcher.Apply(result.Incident);
        var changes = new ChangeSet();
        changes.Incidents.Add(result.Incident);
        changes.Timeline.AddRange(result.Timeline);
        Persist(changes);
        return result.Incident;
    }

    public void Replace(Dispatcher dispatcher) => Dispatcher = dispatcher;

    /// <summary>Carries the dispatcher over to <paramref name="config"/> in memory, as the server's config reload does.</summary>
    public void Reload(VigilConfig config)
    {
        var old = Dispatcher;
        Config = config;
        Dispatcher = new Dispatcher(config, old.LastIncidentId, old.ExportGroups(), old.TrackedIncidents);
        foreach (var alert in Alerts.Values)
        {
            Dispatcher.Observe(alert);
        }
        Flush();
    }

    /// <summary>
    /// Throws the dispatcher away and builds a new one from the persisted tables, as a process restart would (with
    /// <paramref name="config"/>, a restart with an edited config file).
    /// </summary>
    public void Restart(VigilConfig? config = null)
    {
        Config = config ?? Config;
        var records = Groups.Values.ToList();
        var wanted = Dispatcher.ReferencedIncidentIds(records);
        var incidents = Incidents.Values.Where(i => i.Status != IncidentStatus.Resolved || wanted.Contains(i.Id));
        Dispatcher = new Dispatcher(Config, Incidents.Keys.DefaultIfEmpty(0).Max(), records, incidents);
        foreach (var alert in Alerts.Values)
        {
            Dispatcher.Observe(alert);
        }
        // Ticks that changed nothing are not persisted, so a restored group may be overdue: catch up at once.
        Flush();
    }

    public IEnumerable<TimelineKind> Kinds(long incidentId) => Timeline.Where(e => e.IncidentId == incidentId).Select(e => e.Kind);

    public Incident Single() => Assert.Single(Incidents.Values);
}
