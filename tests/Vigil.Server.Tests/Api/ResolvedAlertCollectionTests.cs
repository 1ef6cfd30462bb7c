using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Vigil.Core.Alerts;
using Vigil.Core.Incidents;
using Vigil.Core.Store;
using Vigil.Server.Pipeline;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Api;

/// <summary>
/// Resolved alerts are garbage-collected after <c>alerts.resolved_retention</c> (1h here), from memory and storage, on
/// a fake clock over real storage — and nothing still needed goes: an alert of an open incident, one whose group has
/// not flushed its resolution, one stored again since it was judged (a new sample, or another server's).
/// </summary>
public abstract class ResolvedAlertCollectionTests(Backend backend) : IAsyncLifetime
{
    private const string Config = """
        route:
          receiver: ops
          group_by: [alertname]
          group_wait: 0s
          group_interval: 1m
          repeat_interval: 24h
          routes:
            - matchers: ['alertname="Slow"']
              group_interval: 3h
        receivers:
          - name: ops
        alerts:
          resolved_retention: 1h
        """;

    private static readonly DateTimeOffset Start = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);

    /// <summary>How long the pipeline holds back a group whose commit storage refused before it tries again.</summary>
    private static readonly TimeSpan RefusedGroupHold = TimeSpan.FromMinutes(1);
    private readonly FakeTimeProvider _clock = new(Start);
    private TestDatabase _database = null!;
    private RunningVigil _vigil = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(backend);
        _vigil = await RunningVigil.StartAsync(_database, ownsDatabase: false, Config, time: _clock);
    }

    public async Task DisposeAsync()
    {
        await _vigil.DisposeAsync();
        await _database.DisposeAsync();
    }

    private AlertPipeline Pipeline => _vigil.Services.GetRequiredService<AlertPipeline>();

    private IVigilStore Store => _vigil.Services.GetRequiredService<IVigilStore>();

    [Fact]
    public async Task A_resolved_alert_past_its_retention_is_deleted_from_memory_and_storage_and_a_recent_one_stays()
    {
        // Label churn: a pod label that changes with every deploy makes a new alert each time.
        await PostAsync("Churn", "a", resolved: false);
        await PostAsync("Churn", "b", resolved: false);
        var churn = await IncidentAsync("Churn", "triggered");
        _clock.Advance(TimeSpan.FromMinutes(1));
        await PostAsync("Churn", "a", resolved: true);
        await PostAsync("Churn", "b", resolved: true);
        // Moved on after a resolution is posted: the flush that records it is the group's next tick.
        _clock.Advance(TimeSpan.FromMinutes(1));
        await IncidentAsync("Churn", "resolved");
        await PostAsync("Recent", "c", resolved: false);
        await IncidentAsync("Recent", "triggered");
        _clock.Advance(TimeSpan.FromMinutes(57));
        await PostAsync("Recent", "c", resolved: true);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await IncidentAsync("Recent", "resolved");
        Assert.Equal(3, Pipeline.Alerts.Count);

        // a and b ended 61 minutes ago, c 2 minutes ago.
        _clock.Advance(TimeSpan.FromMinutes(2));
        await Pipeline.CollectResolvedAlertsAsync(CancellationToken.None);

        Assert.Equal([Fp("Recent", "c")], Pipeline.Alerts.All.Select(a => a.Fingerprint));
        Assert.Equal([Fp("Recent", "c")], (await Store.LoadAlertsAsync()).Select(a => a.Fingerprint));
        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray());

        // A restart does not bring them back, and their (resolved) incident still renders them as they were when they
        // joined it — labels, annotations, start — resolved, without an end (it is not kept).
        await _vigil.DisposeAsync();
        _vigil = await RunningVigil.StartAsync(_database, ownsDatabase: false, Config, time: _clock);
        Assert.Equal([Fp("Recent", "c")], Pipeline.Alerts.All.Select(a => a.Fingerprint));
        var incident = await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{churn}");
        var listed = incident["alerts"]!.AsArray();
        Assert.Equal([Fp("Churn", "a").ToString(), Fp("Churn", "b").ToString()], listed.Select(a => Text(a!, "fingerprint")).Order());
        Assert.Equal(["a", "b"], listed.Select(a => a!["labels"]!["pod"]!.GetValue<string>()).Order());
        Assert.All(listed, a => Assert.Equal(("resolved", "Churn", true), (Text(a!, "status"), a!["labels"]!["alertname"]!.GetValue<string>(),
            a!["endsAt"] is null && a!["startsAt"] is not null)));
        Assert.Contains(Timeline(incident), line => line.Contains("pod=\"a\"", StringComparison.Ordinal) && line.EndsWith("started firing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_dispatcher_loop_collects_by_itself_every_quarter_of_the_retention()
    {
        await PostAsync("Lone", "x", resolved: true);
        Assert.NotNull(Pipeline.Alerts.Get(Fp("Lone", "x")));

        _clock.Advance(TimeSpan.FromMinutes(61));

        await Eventually.TrueAsync(() => Task.FromResult(Nudge() && Pipeline.Alerts.Get(Fp("Lone", "x")) is null),
            TimeSpan.FromSeconds(20), "the loop collects the alert that ended 61 minutes ago");
        Assert.Empty(await Store.LoadAlertsAsync());
    }

    [Fact]
    public async Task An_alert_of_an_open_incident_is_kept_until_the_incident_resolves()
    {
        await PostAsync("Shop", "a", resolved: false);
        await PostAsync("Shop", "b", resolved: false);
        var id = await IncidentAsync("Shop", "triggered");
        _clock.Advance(TimeSpan.FromMinutes(1));
        await PostAsync("Shop", "a", resolved: true);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.TrueAsync(async () => Nudge() && Kinds(await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}")).Contains("alert_resolved"),
            TimeSpan.FromSeconds(20), "a's resolution on the incident");

        // a ended long ago, but its incident is open (b fires): its page and its people still show it.
        _clock.Advance(TimeSpan.FromMinutes(65));
        await Pipeline.CollectResolvedAlertsAsync(CancellationToken.None);
        Assert.NotNull(Pipeline.Alerts.Get(Fp("Shop", "a")));
        Assert.Equal(2, (await Store.LoadAlertsAsync()).Count);
        var listed = (await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))["alerts"]!.AsArray();
        Assert.Contains(listed, a => a!["labels"]!["pod"]?.GetValue<string>() == "a");

        await PostAsync("Shop", "b", resolved: true);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await IncidentAsync("Shop", "resolved");
        _clock.Advance(TimeSpan.FromMinutes(61));
        await Pipeline.CollectResolvedAlertsAsync(CancellationToken.None);

        Assert.Equal(0, Pipeline.Alerts.Count);
        Assert.Empty(await Store.LoadAlertsAsync());
    }

    [Fact]
    public async Task An_alert_whose_group_has_not_flushed_its_resolution_is_kept_until_it_has()
    {
        // The incident is resolved by hand while its alert fires; the alert then resolves, and its group (group_interval
        // 3h) has yet to flush that. No open incident keeps the alert: only its group does.
        await PostAsync("Slow", "a", resolved: false);
        var id = await IncidentAsync("Slow", "triggered");
        await _vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/resolve", new { });
        _clock.Advance(TimeSpan.FromMinutes(1));
        await PostAsync("Slow", "a", resolved: true);

        _clock.Advance(TimeSpan.FromMinutes(65));
        await Pipeline.CollectResolvedAlertsAsync(CancellationToken.None);
        Assert.NotNull(Pipeline.Alerts.Get(Fp("Slow", "a")));
        Assert.Single(await Store.LoadAlertsAsync());

        // The group flushes at 3h; then the alert goes.
        _clock.Advance(TimeSpan.FromHours(2));
        await Eventually.TrueAsync(async () => Nudge() && await Pipeline.CollectResolvedAlertsAsync(CancellationToken.None) >= 0
            && Pipeline.Alerts.Get(Fp("Slow", "a")) is null, TimeSpan.FromSeconds(20), "the alert is collected once its group flushed");
        Assert.Empty(await Store.LoadAlertsAsync());
    }

    [Fact]
    public async Task A_flush_whose_commit_failed_is_redone_with_its_alert_before_the_alert_is_collected()
    {
        var (store, hook) = InterceptedStore.Wrap(Store);
        var failing = true;
        var failures = 0;
        hook.BeforeApply = sets => failing && sets.Any(s => s.Incidents.Any(i => i.Status == IncidentStatus.Resolved))
            ? Task.FromException(new IOException($"disk full (simulated), failure {Interlocked.Increment(ref failures)}"))
            : Task.CompletedTask;
        await using var pipeline = await StartPipelineAsync(store);
        await pipeline.IngestAsync([Alert("Shop", "a", resolved: false)], CancellationToken.None);
        var id = await StoredIncidentAsync(IncidentStatus.Triggered);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await pipeline.IngestAsync([Alert("Shop", "a", resolved: true)], CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(65));
        await FailedAsync(() => Volatile.Read(ref failures) > 0, "the flush that resolves the incident fails to commit");

        // The dispatcher resolved the incident in memory, but storage does not have it: the alert is kept.
        await pipeline.CollectResolvedAlertsAsync(CancellationToken.None);
        Assert.NotNull(pipeline.Alerts.Get(Fp("Shop", "a")));

        failing = false;
        _clock.Advance(RefusedGroupHold);
        await StoredIncidentAsync(IncidentStatus.Resolved);
        await pipeline.CollectResolvedAlertsAsync(CancellationToken.None);

        Assert.Null(pipeline.Alerts.Get(Fp("Shop", "a")));
        Assert.Empty(await Store.LoadAlertsAsync());
        // The redone flush still had the alert: its resolution names it.
        var timeline = (await Store.GetTimelineAsync(id)).Select(t => t.Message).ToList();
        Assert.Contains(timeline, line => line.Contains("pod=\"a\"", StringComparison.Ordinal) && line.EndsWith(" resolved", StringComparison.Ordinal));
        Assert.DoesNotContain(timeline, line => line.Contains("no longer stored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Alerts_are_judged_against_the_groups_storage_holds_after_a_flush_failed_to_commit()
    {
        // The flush that drops the resolved alert from its group (its incident was resolved by hand, so no open incident
        // keeps the alert) fails to commit: in memory no group holds the alert, in storage its group still does.
        var (store, hook) = InterceptedStore.Wrap(Store);
        var failing = true;
        var failures = 0;
        hook.BeforeApply = sets => failing && sets.Any(s => s.DeletedGroups.Count > 0)
            ? Task.FromException(new IOException($"disk full (simulated), failure {Interlocked.Increment(ref failures)}"))
            : Task.CompletedTask;
        await using var pipeline = await StartPipelineAsync(store);
        await pipeline.IngestAsync([Alert("Slow", "a", resolved: false)], CancellationToken.None);
        var id = await StoredIncidentAsync(IncidentStatus.Triggered);
        await pipeline.ActAsync(id, "test-admin", "incident.resolve", (incident, at) => IncidentLifecycle.Resolve(incident, "test-admin", at), CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await pipeline.IngestAsync([Alert("Slow", "a", resolved: true)], CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(3));
        await FailedAsync(() => Volatile.Read(ref failures) > 0, "the flush that drops the alert fails to commit");

        await pipeline.CollectResolvedAlertsAsync(CancellationToken.None);
        Assert.NotNull(pipeline.Alerts.Get(Fp("Slow", "a")));

        failing = false;
        _clock.Advance(RefusedGroupHold);
        await Eventually.TrueAsync(async () => Nudge() && (await Store.LoadGroupsAsync()).Count == 0, TimeSpan.FromSeconds(20),
            "the flush is redone and committed");
        await pipeline.CollectResolvedAlertsAsync(CancellationToken.None);
        Assert.Null(pipeline.Alerts.Get(Fp("Slow", "a")));
        Assert.Empty(await Store.LoadAlertsAsync());
    }

    [Fact]
    public async Task A_failed_collection_deletes_nothing_and_the_next_one_does()
    {
        var (store, hook) = InterceptedStore.Wrap(Store);
        var failing = true;
        hook.BeforeApply = sets => failing && sets.Any(s => s.ExpiredAlerts.Count > 0)
            ? Task.FromException(new IOException("connection lost (simulated)"))
            : Task.CompletedTask;
        await using var pipeline = await StartPipelineAsync(store);
        await pipeline.IngestAsync([Alert("Lone", "x", resolved: true)], CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(61));

        await Assert.ThrowsAsync<IOException>(() => pipeline.CollectResolvedAlertsAsync(CancellationToken.None));
        Assert.NotNull(pipeline.Alerts.Get(Fp("Lone", "x")));
        Assert.Single(await Store.LoadAlertsAsync());

        failing = false;
        await pipeline.CollectResolvedAlertsAsync(CancellationToken.None);
        Assert.Null(pipeline.Alerts.Get(Fp("Lone", "x")));
        Assert.Empty(await Store.LoadAlertsAsync());
    }

    [Fact]
    public async Task An_alert_that_fires_again_after_it_was_judged_is_kept()
    {
        // The writer deletes only the version the collector judged: a new sample queued before the deletion wins.
        var index = new AlertIndex();
        await using var writer = new IngestWriter(Store, index, _ => { }, _vigil.Services.GetRequiredService<ILogger<IngestWriter>>());
        await writer.WriteAsync([Alert("Flap", "a", resolved: true), Alert("Flap", "b", resolved: true)]);
        var judged = index.All.ToList();
        _clock.Advance(TimeSpan.FromMinutes(61));

        var firing = writer.WriteAsync([Alert("Flap", "a", resolved: false)]);
        var deleted = await writer.ExpireAsync(judged);
        await firing;

        Assert.Equal(1, deleted);
        Assert.Equal([Fp("Flap", "a")], index.All.Select(a => a.Fingerprint));
        var stored = Assert.Single(await Store.LoadAlertsAsync());
        Assert.Equal((Fp("Flap", "a"), false), (stored.Fingerprint, stored.IsResolvedAt(_clock.GetUtcNow())));
    }

    [Fact]
    public async Task An_alert_another_server_stored_again_is_not_lost_and_deleting_a_deleted_one_is_harmless()
    {
        // Two servers on one database: the first judges its stale copy of an alert the second saw fire again (its group
        // waits, so no open incident keeps the alert).
        await using var first = await StartPipelineAsync(Store);
        await first.IngestAsync([Alert("Quiet", "a", resolved: true), Alert("Quiet", "b", resolved: true)], CancellationToken.None);
        await using var second = await StartPipelineAsync(Store);
        _clock.Advance(TimeSpan.FromMinutes(30));
        await second.IngestAsync([Alert("Quiet", "a", resolved: false)], CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(31));

        // Whichever collects first here — the call, or the first server's loop — judges the copy the first server holds.
        await first.CollectResolvedAlertsAsync(CancellationToken.None);
        await second.CollectResolvedAlertsAsync(CancellationToken.None);

        var stored = Assert.Single(await Store.LoadAlertsAsync());
        Assert.Equal((Fp("Quiet", "a"), false), (stored.Fingerprint, stored.IsResolvedAt(_clock.GetUtcNow())));
        Assert.Equal([Fp("Quiet", "a")], second.Alerts.All.Select(a => a.Fingerprint));
        Assert.Null(first.Alerts.Get(Fp("Quiet", "b")));
    }

    /// <summary>Another pipeline on the server's database and configuration (a second server, or one whose storage fails).</summary>
    private Task<AlertPipeline> StartPipelineAsync(IVigilStore store) => _vigil.StartPipelineAsync(store, _clock);

    private Alert Alert(string name, string pod, bool resolved)
    {
        var now = _clock.GetUtcNow();
        return new Alert(LabelSet.From(("alertname", name), ("pod", pod)), LabelSet.Empty, Start.AddMinutes(-10),
            resolved ? now : Start.AddDays(30), "", now);
    }

    private static Fingerprint Fp(string name, string pod) => LabelSet.From(("alertname", name), ("pod", pod)).Fingerprint();

    private Task PostAsync(string name, string pod, bool resolved) =>
        _vigil.Client.PostOkAsync("/api/v2/alerts", new[]
        {
            new
            {
                labels = new Dictionary<string, string> { ["alertname"] = name, ["pod"] = pod },
                startsAt = Start.AddMinutes(-10),
                endsAt = resolved ? _clock.GetUtcNow() : Start.AddDays(30), // firing however far the fake clock moves
            },
        });

    /// <summary>The id of the incident titled <paramref name="title"/> once it has <paramref name="status"/>.</summary>
    private async Task<long> IncidentAsync(string title, string status)
    {
        long id = 0;
        await Eventually.TrueAsync(async () =>
        {
            Nudge();
            var incident = (await _vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray()
                .FirstOrDefault(i => Text(i!, "title") == title && Text(i!, "status") == status);
            id = incident?["id"]!.GetValue<long>() ?? 0;
            return id != 0;
        }, TimeSpan.FromSeconds(20), $"a {status} incident {title}");
        return id;
    }

    private async Task<long> StoredIncidentAsync(IncidentStatus status)
    {
        long id = 0;
        await Eventually.TrueAsync(async () =>
        {
            Nudge();
            var incidents = await Store.ListIncidentsAsync(new IncidentQuery([status], 10));
            id = incidents.Count == 1 ? incidents[0].Id : 0;
            return id != 0;
        }, TimeSpan.FromSeconds(20), $"a stored {status} incident");
        return id;
    }

    /// <summary>
    /// Waits for a flush commit to fail, moving the clock only while it has not: the dispatcher is then ahead of storage
    /// (the loop pauses a second after a failure, on the fake clock, before it catches up), which is the state a
    /// collection must not judge alerts against.
    /// </summary>
    private Task FailedAsync(Func<bool> failed, string what) =>
        Eventually.TrueAsync(() => Task.FromResult(failed() || !Nudge()), TimeSpan.FromSeconds(20), what);

    /// <summary>
    /// A timer the dispatcher's loop set on the fake clock just after the test moved it fires only when it moves again:
    /// polls move it by a second (far below every timing here, and the loop's retry pause) so a due flush or collection runs.
    /// </summary>
    private bool Nudge()
    {
        _clock.Advance(TimeSpan.FromSeconds(1));
        return true;
    }

    private static string Text(JsonNode node, string property) => node[property]!.GetValue<string>();

    private static List<string> Timeline(JsonNode incident) => incident["timeline"]!.AsArray().Select(e => Text(e!, "message")).ToList();

    private static List<string> Kinds(JsonNode incident) => incident["timeline"]!.AsArray().Select(e => Text(e!, "kind")).ToList();
}

public sealed class ResolvedAlertCollectionOnSqlite() : ResolvedAlertCollectionTests(Backend.Sqlite);

public sealed class ResolvedAlertCollectionOnPostgres() : ResolvedAlertCollectionTests(Backend.Postgres);
