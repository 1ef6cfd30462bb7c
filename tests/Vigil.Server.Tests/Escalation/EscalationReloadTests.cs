using System.Net;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Escalation;

/// <summary>Found by a review: a reload that took a level away from a policy made the next step of an incident
/// escalating there read past the levels — escalate-now answered 500 and no incident due after it was paged.</summary>
public sealed class EscalationReloadTests : IAsyncLifetime
{
    private const string Two = """
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

    private static readonly DateTimeOffset Start = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private TestDatabase _database = null!;
    private RunningVigil _vigil = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(Backend.Sqlite);
        _vigil = await RunningVigil.StartAsync(_database, ownsDatabase: false, Two, time: _clock);
    }

    public async Task DisposeAsync()
    {
        await _vigil.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_policy_that_lost_levels_in_a_reload_keeps_escalating_every_incident()
    {
        var first = await FireAsync("A");
        await Eventually.TrueAsync(async () => (await Pages(first)).Count == 1, TimeSpan.FromSeconds(20), "first page");
        var file = Path.Combine(_vigil.Database.DataDirectory, "test-config.yml");
        await File.WriteAllTextAsync(file, Two.Replace("""
              - delay: 5m
                targets: [{user: bob}]
        """, "", StringComparison.Ordinal));
        using (var valid = await _vigil.Client.PostAsync("/-/reload", null))
        {
            Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        }
        _clock.Advance(TimeSpan.FromMinutes(6));
        await Task.Delay(1500);
        await Eventually.TrueAsync(async () => (await Timeline(first)).Any(l => l.Contains("is no longer in policy shop", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "the first incident's cycle ends at the level that is gone");
        using (var now = await _vigil.Client.PostAsync($"/api/v1/incidents/{first}/escalate", null))
        {
            Assert.True(now.IsSuccessStatusCode, $"escalate now: {(int)now.StatusCode} {await now.Content.ReadAsStringAsync()}");
        }
        var second = await FireAsync("B");
        await Eventually.TrueAsync(async () => (await Pages(second)).Count == 1, TimeSpan.FromSeconds(20), "the second incident's page");
    }

    private async Task<long> FireAsync(string name)
    {
        await _vigil.Client.PostOkAsync("/api/v2/alerts", new[]
        {
            new
            {
                labels = new Dictionary<string, string> { ["alertname"] = name },
                startsAt = _clock.GetUtcNow().AddMinutes(-1),
                endsAt = _clock.GetUtcNow().AddDays(1),
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

    private async Task<List<string>> Timeline(long id) =>
        (await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))["timeline"]!.AsArray().Select(e => e!["message"]!.GetValue<string>()).ToList();

    private async Task<List<string>> Pages(long id) => (await Timeline(id)).Where(l => l.StartsWith("Paged ", StringComparison.Ordinal)).ToList();
}
