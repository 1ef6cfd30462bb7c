using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Core.Alerts;
using Vigil.Core.Incidents;
using Vigil.Core.Matching;
using Vigil.Core.Silences;
using Vigil.Core.Store;
using Vigil.Server.Pipeline;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Api;

/// <summary>
/// The alert pipeline when a commit fails, and where it parted from Alertmanager (found by a review; each test failed
/// before its fix).
/// </summary>
public sealed class PipelineCommitTests : IAsyncLifetime
{
    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(Backend.Sqlite, """
        route:
          receiver: ops
          group_by: [alertname]
          group_wait: 0s
          group_interval: 1s
          repeat_interval: 1h
          routes:
            - matchers: ['team="gone"']
        receivers:
          - name: ops
        """);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    private IVigilStore RealStore => _vigil.Services.GetRequiredService<IVigilStore>();

    [Fact]
    public async Task A_flush_whose_commit_failed_opens_its_incident_once_storage_is_back()
    {
        var (store, hook) = InterceptedStore.Wrap(RealStore);
        var attempts = 0;
        hook.BeforeApply = sets => sets.Any(s => s.Incidents.Count > 0) && Interlocked.Increment(ref attempts) == 1
            ? throw new IOException("disk full (simulated), once") : Task.CompletedTask;
        await using var pipeline = await StartPipelineAsync(store);
        var now = DateTimeOffset.UtcNow;

        await pipeline.IngestAsync([new Alert(LabelSet.From(("alertname", "DiskFull")), LabelSet.Empty, now, now.AddHours(1), "", now)], CancellationToken.None);

        var statuses = new[] { IncidentStatus.Triggered, IncidentStatus.Acknowledged, IncidentStatus.Resolved };
        await Eventually.TrueAsync(async () => (await RealStore.ListIncidentsAsync(new IncidentQuery(statuses, 100))).Count == 1,
            TimeSpan.FromSeconds(20), "the incident whose first commit failed is stored");
        Assert.True(attempts >= 2, "the first commit with the incident failed and a later flush committed it again");
    }

    /// <summary>
    /// Defence in depth for the long group key PostgreSQL refused (see LongGroupKeyTests): a group whose commit always
    /// fails, for whatever reason, failed every flush, so no other alert became an incident either.
    /// </summary>
    [Fact]
    public async Task A_blip_that_fails_a_group_alone_once_does_not_hold_its_incident_back()
    {
        // The batch flush and then the group's own commit fail; storage is back for the write check and after. The
        // group is tried once more, not held back for a minute (found by review: the incident came 61 s late).
        var (store, hook) = InterceptedStore.Wrap(RealStore);
        var failures = 0;
        hook.BeforeApply = sets => sets.All(s => s.Alerts.Count == 0) && sets.Any(s => s.Incidents.Count > 0) && Interlocked.Increment(ref failures) <= 2
            ? throw new IOException("blip (simulated)") : Task.CompletedTask;
        await using var pipeline = await StartPipelineAsync(store);
        var now = DateTimeOffset.UtcNow;

        await pipeline.IngestAsync([new Alert(LabelSet.From(("alertname", "Blip")), LabelSet.Empty, now, now.AddHours(1), "", now)], CancellationToken.None);

        var statuses = new[] { IncidentStatus.Triggered, IncidentStatus.Acknowledged, IncidentStatus.Resolved };
        await Eventually.TrueAsync(async () => (await RealStore.ListIncidentsAsync(new IncidentQuery(statuses, 100))).Count == 1,
            TimeSpan.FromSeconds(20), "the incident, stored once storage is back (not a minute later)");
        Assert.True(failures >= 3, "two commits failed before the one that stored it");
    }

    [Fact]
    public async Task A_group_the_store_always_refuses_does_not_hold_back_the_other_groups()
    {
        var (store, hook) = InterceptedStore.Wrap(RealStore);
        hook.BeforeApply = sets => sets.Any(s => s.Groups.Any(g => g.Key.Contains("Refused", StringComparison.Ordinal))
            || s.Incidents.Any(i => i.GroupKey.Contains("Refused", StringComparison.Ordinal)))
            ? throw new IOException("this group cannot be stored (simulated)") : Task.CompletedTask;
        await using var pipeline = await StartPipelineAsync(store);

        await pipeline.IngestAsync([Firing("Refused"), Firing("Fine")], CancellationToken.None);

        await Eventually.TrueAsync(async () => (await IncidentTitlesAsync()).Any(t => t.StartsWith("Fine", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "the other group's incident is stored");
        await pipeline.IngestAsync([Firing("Later")], CancellationToken.None);
        await Eventually.TrueAsync(async () => (await IncidentTitlesAsync()).Any(t => t.StartsWith("Later", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "an alert after the refused group still becomes an incident");
        Assert.DoesNotContain(await IncidentTitlesAsync(), t => t.StartsWith("Refused", StringComparison.Ordinal));
    }

    /// <summary>
    /// A group the configuration no longer reaches (its route is gone) is an orphan: the first flush after a start deletes
    /// it and resolves its incident. When storage refused exactly that, every flush retried the orphans first and no
    /// other alert became an incident.
    /// </summary>
    [Fact]
    public async Task Orphaned_groups_the_store_refuses_do_not_hold_back_the_other_groups()
    {
        using (var fire = await _vigil.Client.PostAsync("/api/v2/alerts", Http.Json("""[{"labels":{"alertname":"Routed","team":"gone"}}]""")))
        {
            Assert.Equal(HttpStatusCode.OK, fire.StatusCode);
        }
        await Eventually.TrueAsync(async () => (await IncidentTitlesAsync()).Any(t => t.StartsWith("Routed", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "the incident of the group on the team route");
        var orphanKey = Assert.Single(await RealStore.LoadGroupsAsync(), g => g.Key.Contains("Routed", StringComparison.Ordinal)).Key;

        // The same database started with a config without the team route: the group is an orphan.
        var file = Path.Combine(Directory.CreateTempSubdirectory("vigil-orphans-").FullName, "vigil.yml");
        await File.WriteAllTextAsync(file, "route: {receiver: ops, group_by: [alertname], group_wait: 0s, group_interval: 1s}\nreceivers: [{name: ops}]\n");
        var config = new ConfigHolder(new ServerSettings { ConfigFile = file, DataDirectory = Path.GetDirectoryName(file)! });
        var (store, hook) = InterceptedStore.Wrap(RealStore);
        var refused = 0;
        hook.BeforeApply = sets => sets.Any(s => s.DeletedGroups.Contains(orphanKey))
            ? throw new IOException($"the orphans cannot be stored (simulated), refusal {Interlocked.Increment(ref refused)}") : Task.CompletedTask;
        await using var pipeline = await _vigil.StartPipelineAsync(store, config: config);

        await pipeline.IngestAsync([Firing("AfterOrphans")], CancellationToken.None);

        await Eventually.TrueAsync(async () => (await IncidentTitlesAsync()).Any(t => t.StartsWith("AfterOrphans", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "an alert of another group becomes an incident while storage refuses the orphans");
        Assert.True(Volatile.Read(ref refused) > 0, "storage refused the orphans");
    }

    /// <summary>While storage takes no writes at all, no group is taken for a refused one and held back: the incident
    /// is stored as soon as storage is back, not a hold (a minute) later.</summary>
    [Fact]
    public async Task A_storage_outage_holds_back_no_group()
    {
        var (store, hook) = InterceptedStore.Wrap(RealStore);
        var failures = 0;
        // Every write but the alerts' own fails three times: the flush, its group alone, and the write check.
        hook.BeforeApply = sets => sets.All(s => s.Alerts.Count == 0) && Interlocked.Increment(ref failures) <= 3
            ? throw new IOException("storage unreachable (simulated)") : Task.CompletedTask;
        await using var pipeline = await StartPipelineAsync(store);

        await pipeline.IngestAsync([Firing("Outage")], CancellationToken.None);

        await Eventually.TrueAsync(async () => (await IncidentTitlesAsync()).Count == 1, TimeSpan.FromSeconds(15),
            "the incident is stored once storage is back");
        Assert.True(failures >= 3, $"{failures} writes failed");
    }

    private static Alert Firing(string name)
    {
        var now = DateTimeOffset.UtcNow;
        return new Alert(LabelSet.From(("alertname", name)), LabelSet.Empty, now, now.AddHours(1), "", now);
    }

    private Task<AlertPipeline> StartPipelineAsync(IVigilStore store) => _vigil.StartPipelineAsync(store);

    private async Task<List<string>> IncidentTitlesAsync() =>
        [.. (await RealStore.ListIncidentsAsync(new IncidentQuery([IncidentStatus.Triggered, IncidentStatus.Acknowledged, IncidentStatus.Resolved], 100)))
            .Select(i => i.Title)];

    [Fact]
    public async Task A_reload_whose_audit_entry_cannot_be_stored_leaves_the_old_config_in_force()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("vigil-reload-").FullName, "vigil.yml");
        await File.WriteAllTextAsync(file, "route: {receiver: ops}\nreceivers: [{name: ops}]\n");
        var config = new ConfigHolder(new ServerSettings { ConfigFile = file, DataDirectory = Path.GetDirectoryName(file)! });
        var (store, hook) = InterceptedStore.Wrap(RealStore);
        await using var pipeline = await _vigil.StartPipelineAsync(store, config: config);
        await File.WriteAllTextAsync(file, "route: {receiver: ops}\nreceivers: [{name: ops}, {name: added}]\n");
        hook.BeforeApply = sets => sets.Any(s => s.Audit.Any(a => a.Action == "config.reload"))
            ? throw new IOException("disk full (simulated)") : Task.CompletedTask;

        await Assert.ThrowsAsync<IOException>(() => pipeline.ReloadConfigAsync("admin", CancellationToken.None));

        Assert.Equal(["ops"], config.ReceiverNames);
        hook.BeforeApply = null;
        Assert.Null(await pipeline.ReloadConfigAsync("admin", CancellationToken.None));
        Assert.Equal(["ops", "added"], config.ReceiverNames);
        Assert.Contains(await RealStore.ListAuditAsync(100, null), a => a.Action == "config.reload" && a.Actor == "admin");
    }

    [Fact]
    public async Task An_alert_that_gives_only_its_end_resolves_as_in_Alertmanager()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        using var fire = await _vigil.Client.PostAsync("/api/v2/alerts", Http.Json($$"""[{"labels":{"alertname":"OnlyEnd"},"startsAt":"{{start:O}}"}]"""));
        Assert.Equal(HttpStatusCode.OK, fire.StatusCode);

        using var resolve = await _vigil.Client.PostAsync("/api/v2/alerts", Http.Json($$"""[{"labels":{"alertname":"OnlyEnd"},"endsAt":"{{DateTimeOffset.UtcNow.AddSeconds(-1):O}}"}]"""));

        Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        Assert.Empty((JsonArray)await _vigil.Client.GetJsonAsync("/api/v2/alerts?filter=" + Uri.EscapeDataString("alertname=\"OnlyEnd\"")));
    }

    [Fact]
    public async Task A_refused_alert_does_not_take_the_valid_ones_of_its_batch_with_it()
    {
        var big = new string('x', 70_000);
        using var post = await _vigil.Client.PostAsync("/api/v2/alerts",
            Http.Json("[{\"labels\":{\"alertname\":\"Fine\"}},{\"labels\":{\"alertname\":\"Huge\"},\"annotations\":{\"description\":\"" + big + "\"}}]"));

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Contains("alert 1", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single((JsonArray)await _vigil.Client.GetJsonAsync("/api/v2/alerts?filter=" + Uri.EscapeDataString("alertname=\"Fine\"")));
    }

    [Fact]
    public async Task Changing_an_active_silences_matchers_keeps_the_old_one_if_the_new_one_cannot_be_stored()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O");
        var end = DateTimeOffset.UtcNow.AddHours(1).ToString("O");
        using var created = await _vigil.Client.PostAsync("/api/v2/silences", Http.Json(
            "{\"matchers\":[{\"name\":\"alertname\",\"value\":\"Noisy\",\"isRegex\":false}],\"startsAt\":\"" + start + "\",\"endsAt\":\"" + end + "\",\"createdBy\":\"a\",\"comment\":\"c\"}"));
        var id = (await created.ReadJsonAsync())["silenceID"]!.GetValue<string>();
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_vigil.Database.DataDirectory, "vigil.db")}"))
        {
            await connection.OpenAsync();
            using var trigger = connection.CreateCommand();
            trigger.CommandText = $"CREATE TRIGGER refuse_new_silences BEFORE INSERT ON silences WHEN NEW.id <> '{id}' BEGIN SELECT RAISE(ABORT, 'simulated failure'); END;";
            await trigger.ExecuteNonQueryAsync();
        }

        using var update = await _vigil.Client.PostAsync("/api/v2/silences", Http.Json("{\"id\":\"" + id
            + "\",\"matchers\":[{\"name\":\"alertname\",\"value\":\"Noisy\",\"isRegex\":false},{\"name\":\"team\",\"value\":\"a\",\"isRegex\":false}],\"startsAt\":\""
            + start + "\",\"endsAt\":\"" + end + "\",\"createdBy\":\"a\",\"comment\":\"c\"}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, update.StatusCode);
        Assert.Equal("active", (await _vigil.Client.GetJsonAsync("/api/v2/silence/" + id))["status"]!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_expiry_racing_an_update_of_the_same_silence_is_not_undone()
    {
        // The update read the silence, the expiry read the same copy, committed and reached memory, then the update
        // committed the copy it had read, extended: the expired silence was muting again.
        var (store, hook) = InterceptedStore.Wrap(RealStore);
        await using var pipeline = await StartPipelineAsync(store);
        var now = DateTimeOffset.UtcNow;
        var silence = new Silence(Guid.NewGuid(), [Matcher.Create("alertname", "Raced", isRegex: false, isEqual: true)], now.AddMinutes(-1), now.AddHours(1), "me", "c", now);
        using (var create = await pipeline.BeginSilenceWriteAsync(CancellationToken.None))
        {
            await create.SaveAsync(silence, "me", "silence.create", CancellationToken.None);
        }
        var updateCommitting = new TaskCompletionSource();
        var releaseUpdate = new TaskCompletionSource();
        hook.BeforeApply = async sets =>
        {
            if (sets.Any(s => s.Silences.Any(x => x.EndsAt == now.AddHours(2))))
            {
                updateCommitting.SetResult();
                await releaseUpdate.Task;
            }
        };
        var update = Task.Run(async () =>
        {
            // As POST /api/v2/silences updates an active silence in place: from the copy it read.
            using var write = await pipeline.BeginSilenceWriteAsync(CancellationToken.None);
            var read = write.Get(silence.Id)!;
            await write.SaveAsync(read with { EndsAt = now.AddHours(2), Comment = "extended" }, "me", "silence.update", CancellationToken.None);
        });
        await updateCommitting.Task;

        var expire = pipeline.ExpireSilenceAsync(silence.Id, "me", CancellationToken.None);

        // Waiting cannot make this flaky: the expiry cannot finish while the update holds the lock.
        Assert.NotSame(expire, await Task.WhenAny(expire, Task.Delay(TimeSpan.FromSeconds(1))));
        releaseUpdate.SetResult();
        await update;
        await expire;
        var inMemory = pipeline.Silences.Get(silence.Id)!;
        var stored = (await RealStore.LoadSilencesAsync()).Single(s => s.Id == silence.Id);
        Assert.Equal(SilenceState.Expired, inMemory.StateAt(DateTimeOffset.UtcNow));
        Assert.Equal(("extended", inMemory.EndsAt), (stored.Comment, stored.EndsAt));
    }

    [Fact]
    public async Task A_token_named_vigil_cannot_be_made_and_an_old_one_does_not_act_as_Vigil()
    {
        using var refused = await _vigil.Client.PostAsync("/api/v1/tokens", Http.Json("{\"name\":\"Vigil\",\"role\":\"responder\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        var secret = await RunningVigil.CreateTokenAsync(_vigil.Database, "vigil", Core.Security.Role.Responder);
        using var person = _vigil.NewClient(secret);
        using var first = await _vigil.Client.PostAsync("/api/v2/alerts", Http.Json("[{\"labels\":{\"alertname\":\"Flappy\",\"instance\":\"1\"}}]"));
        JsonArray open = [];
        await Eventually.TrueAsync(async () => (open = (JsonArray)await _vigil.Client.GetJsonAsync("/api/v1/incidents?status=open")).Count == 1,
            TimeSpan.FromSeconds(20), "the first incident");
        var id = open[0]!["id"]!.GetValue<long>();
        using var resolved = await person.PostAsync($"/api/v1/incidents/{id}/resolve", null);
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);

        using var second = await _vigil.Client.PostAsync("/api/v2/alerts", Http.Json("[{\"labels\":{\"alertname\":\"Flappy\",\"instance\":\"2\"}}]"));

        // Resolved by a person: a new alert opens a new incident instead of reopening it as if Vigil had resolved it.
        await Eventually.TrueAsync(async () => ((JsonArray)await _vigil.Client.GetJsonAsync("/api/v1/incidents")).Count == 2,
            TimeSpan.FromSeconds(20), "a second incident");
        Assert.Equal("resolved", (await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))["status"]!.GetValue<string>());
    }
}
