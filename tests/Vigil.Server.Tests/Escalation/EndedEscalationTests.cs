using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigil.Core.Escalation;
using Vigil.Core.Store;
using Vigil.Server.Tests.Infrastructure;
using Vigil.Storage;

namespace Vigil.Server.Tests.Escalation;

/// <summary>
/// Found by a review: an escalation that had ended (a reload removed its policy) kept its row when the incident
/// resolved — the table, and the book every start loads, grew for good — and a reopened incident found it ended, so
/// its policy never started again. Resolving deletes the row whatever its status, and the rows earlier versions left
/// are deleted after a start, in bounded commits; over real storage, on a fake clock.
/// </summary>
public abstract class EndedEscalationTests(Backend backend) : IAsyncLifetime
{
    private const string WithPolicy = """
        route:
          receiver: ops
          group_by: [alertname]
          group_wait: 0s
          group_interval: 1m
          repeat_interval: 1h
          escalation_policy: shop
        receivers:
          - name: ops
        # Pageable users (a level of users no page reaches is passed at once); nothing listens there.
        users:
          - {name: alice, contacts: [{webhook: "http://127.0.0.1:9/alice"}]}
          - {name: bob, contacts: [{webhook: "http://127.0.0.1:9/bob"}]}
        escalation_policies:
          - name: shop
            levels:
              - delay: 5m
                targets: [{user: alice}]
              - delay: 5m
                targets: [{user: bob}]
        """;

    private const string WithoutPolicy = """
        route:
          receiver: ops
          group_by: [alertname]
          group_wait: 0s
          group_interval: 1m
          repeat_interval: 1h
        receivers:
          - name: ops
        users:
          - {name: alice, contacts: [{webhook: "http://127.0.0.1:9/alice"}]}
          - {name: bob, contacts: [{webhook: "http://127.0.0.1:9/bob"}]}
        """;

    private static readonly DateTimeOffset Start = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private TestDatabase _database = null!;
    private RunningVigil _vigil = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(backend);
        _vigil = await RunningVigil.StartAsync(_database, ownsDatabase: false, WithPolicy, time: _clock);
    }

    public async Task DisposeAsync()
    {
        await _vigil.DisposeAsync();
        await _database.DisposeAsync();
    }

    private IVigilStore Store => _vigil.Services.GetRequiredService<IVigilStore>();

    [Fact]
    public async Task An_ended_escalation_goes_when_its_incident_resolves_and_a_reopened_incident_escalates_again()
    {
        var id = await FireAsync("CheckoutDown");
        await PagedAsync(id, ["alice"]);
        await ReloadAsync(WithoutPolicy);
        _clock.Advance(TimeSpan.FromMinutes(6));
        await Eventually.TrueAsync(async () => (await TimelineAsync(id)).Contains("Escalation stopped: policy shop is no longer configured"),
            TimeSpan.FromSeconds(20), "the escalation ends with its policy");
        Assert.Equal("ended", (await EscalationAsync(id))!["status"]!.GetValue<string>());

        await ReloadAsync(WithPolicy);
        await _vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/resolve", new { });
        Assert.DoesNotContain(id, (await Store.ListEscalationsAsync()).Select(e => e.IncidentId));
        Assert.Null(await EscalationAsync(id));

        await _vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/reopen", new { });
        await PagedAsync(id, ["alice", "alice"]);
        Assert.Equal("escalating", (await EscalationAsync(id))!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rows_an_earlier_version_left_for_resolved_incidents_are_deleted_after_a_start_and_open_incidents_keep_theirs()
    {
        var resolved = await FireAsync("CheckoutDown");
        await PagedAsync(resolved, ["alice"]);
        await _vigil.Client.PostOkAsync($"/api/v1/incidents/{resolved}/resolve", new { });
        var open = await FireAsync("PaymentsDown");
        await PagedAsync(open, ["alice"]);
        await _vigil.DisposeAsync();

        // What an earlier version left: the resolved incident's ended row, and more rows than one commit deletes (of
        // incidents long gone), so the deletion has to go on over several turns of the loop.
        var ended = new EscalationState(resolved, "shop", EscalationStatus.Ended, 1, 0, null, 1, Start);
        var orphans = Enumerable.Range(0, 2_500).Select(i => ended with { IncidentId = 100_000 + i }).ToList();
        await using (var store = StoreFactory.Open(_database.ConnectionString, _database.DataDirectory))
        {
            var changes = new ChangeSet();
            changes.Escalations.Add(ended);
            changes.Escalations.AddRange(orphans);
            await store.ApplyAsync([changes]);
            Assert.Equal(2_502, (await store.ListEscalationsAsync()).Count);
        }

        _vigil = await RunningVigil.StartAsync(_database, ownsDatabase: false, WithPolicy, time: _clock);
        List<long> rows = [];
        await Eventually.TrueAsync(async () =>
        {
            rows = [.. (await Store.ListEscalationsAsync()).Select(e => e.IncidentId)];
            return !rows.Contains(resolved) && !rows.Any(r => r >= 100_000);
        }, TimeSpan.FromSeconds(30), () => $"only open incidents' rows left; {rows.Count} rows");
        Assert.Contains(open, rows);
        Assert.Null(await EscalationAsync(resolved));
        Assert.Equal("escalating", (await EscalationAsync(open))!["status"]!.GetValue<string>());
        _clock.Advance(TimeSpan.FromMinutes(6));
        await PagedAsync(open, ["alice", "bob"]);
    }

    private async Task ReloadAsync(string config)
    {
        await File.WriteAllTextAsync(Path.Combine(_database.DataDirectory, "test-config.yml"), config);
        using var reload = await _vigil.Client.PostAsync("/-/reload", null);
        Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
    }

    private async Task<long> FireAsync(string name)
    {
        await _vigil.Client.PostOkAsync("/api/v2/alerts", new[]
        {
            new
            {
                labels = new Dictionary<string, string> { ["alertname"] = name },
                startsAt = _clock.GetUtcNow().AddMinutes(-1),
                endsAt = _clock.GetUtcNow().AddDays(1), // keeps firing however far the fake clock moves
            },
        });
        long id = 0;
        await Eventually.TrueAsync(async () =>
        {
            var incidents = (await _vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray();
            id = incidents.FirstOrDefault(i => i!["title"]!.GetValue<string>().Contains(name, StringComparison.Ordinal))?["id"]!.GetValue<long>() ?? 0;
            return id != 0;
        }, TimeSpan.FromSeconds(20), "incident " + name);
        return id;
    }

    private async Task<JsonNode?> EscalationAsync(long id)
    {
        using var response = await _vigil.Client.GetAsync($"/api/v1/incidents/{id}/escalation");
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent, response.StatusCode.ToString());
        return response.StatusCode == HttpStatusCode.NoContent ? null : await response.ReadJsonAsync();
    }

    private async Task<List<string>> TimelineAsync(long id) =>
        (await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))["timeline"]!.AsArray().Select(e => e!["message"]!.GetValue<string>()).ToList();

    private async Task PagedAsync(long id, string[] expected)
    {
        List<string> timeline = [];
        await Eventually.TrueAsync(
            async () =>
            {
                timeline = await TimelineAsync(id);
                return Pages(timeline).SequenceEqual(expected);
            },
            TimeSpan.FromSeconds(20),
            () => $"pages {string.Join(", ", expected)}; timeline: {string.Join(" | ", timeline)}");
    }

    private static IEnumerable<string> Pages(List<string> timeline) =>
        timeline.Where(line => line.StartsWith("Paged ", StringComparison.Ordinal))
            .Select(line => line["Paged ".Length..line.IndexOf(' ', "Paged ".Length)]);
}

public sealed class EndedEscalationOnSqlite() : EndedEscalationTests(Backend.Sqlite);

public sealed class EndedEscalationOnPostgres() : EndedEscalationTests(Backend.Postgres);
