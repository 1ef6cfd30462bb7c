using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.OnCall;

/// <summary>On-call over HTTP on real storage: who is on call, final schedule with gaps, overrides, swaps, roles, iCal, bad input.</summary>
public abstract class OnCallApiTests(Backend backend) : IAsyncLifetime
{
    // Monday 2025-01-13 10:00 UTC: bob's week (alice from Jan 6, bob from Jan 13, carol from Jan 20).
    private static readonly DateTimeOffset Now = new(2025, 1, 13, 10, 0, 0, TimeSpan.Zero);

    private const string Config = """
        route:
          receiver: default
        receivers:
          - name: default
        users:
          - {name: alice, full_name: Alice Liddell, contacts: [{email: alice@example.com}]}
          - {name: bob, full_name: Bob Marley}
          - {name: carol, full_name: Carol Shaw}
          - {name: dave, full_name: Dave Cutler}
        teams:
          - name: payments
            members: [{user: alice, role: manager}, bob, carol]
        services:
          - {name: checkout, team: payments}
        schedules:
          - name: primary
            team: payments
            time_zone: UTC
            layers:
              - name: weekly
                users: [alice, bob, carol]
                rotation: 1w
                start: 2025-01-06 00:00
          - name: business
            time_zone: Europe/Berlin
            layers:
              - name: days
                users: [dave]
                rotation: 1d
                start: 2025-01-06 00:00
                restrictions: [{weekly: "Mon 09:00-Fri 17:00"}]
        """;

    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(backend, Config, time: new FakeTimeProvider(Now));

    public Task DisposeAsync() => _vigil.DisposeAsync().AsTask();

    private async Task<HttpClient> ClientForAsync(string user)
    {
        using var response = await _vigil.Client.PostAsync("/api/v1/tokens", Http.Json(new { name = user + "-token", role = "responder", user }));
        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(user, (string?)body["user"]);
        return _vigil.NewClient((string)body["token"]!);
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Http.Json(body) };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 || !text.StartsWith('{') && !text.StartsWith('[') ? null : JsonNode.Parse(text));
    }

    private async Task<List<string>> FinalUsersAsync(string from, string to) =>
        (await _vigil.Client.GetJsonAsync($"/api/v1/schedules/primary/final?from={from}&to={to}"))["entries"]!.AsArray()
            .Select(e => (string)e!["user"]!).ToList();

    [Fact]
    public async Task Who_is_on_call_now_at_an_instant_and_over_a_range()
    {
        var now = await _vigil.Client.GetJsonAsync("/api/v1/oncall");
        var primary = now["onCall"]!.AsArray().Single(x => (string?)x!["schedule"] == "primary")!;
        Assert.Equal(("bob", "Bob Marley", "layer", "weekly"), ((string?)primary["user"], (string?)primary["fullName"], (string?)primary["source"], (string?)primary["layer"]));
        Assert.Equal("2025-01-13T00:00:00.000Z", (string?)primary["start"]);
        // Monday 10:00 UTC is 11:00 in Berlin: inside dave's business hours.
        Assert.Equal("dave", (string?)now["onCall"]!.AsArray().Single(x => (string?)x!["schedule"] == "business")!["user"]);

        var at = await _vigil.Client.GetJsonAsync("/api/v1/oncall?schedule=business&at=2025-01-18T12:00:00Z");
        Assert.Null((string?)at["onCall"]![0]!["user"]);

        var range = await _vigil.Client.GetJsonAsync("/api/v1/oncall?schedule=primary&from=2025-01-06T00:00:00Z&to=2025-01-27T00:00:00Z");
        Assert.Equal(["alice", "bob", "carol"], range["entries"]!.AsArray().Select(e => (string)e!["user"]!));
    }

    [Fact]
    public async Task Final_schedule_lists_entries_and_gaps_and_teams_users_and_schedules_are_listed()
    {
        var final = await _vigil.Client.GetJsonAsync("/api/v1/schedules/business/final?from=2025-01-13T00:00:00Z&to=2025-01-20T00:00:00Z");
        var entry = Assert.Single(final["entries"]!.AsArray())!;
        Assert.Equal(("2025-01-13T08:00:00.000Z", "2025-01-17T16:00:00.000Z"), ((string?)entry["start"], (string?)entry["end"]));
        Assert.Equal(2, final["gaps"]!.AsArray().Count);

        var schedules = await _vigil.Client.GetJsonAsync("/api/v1/schedules");
        Assert.Equal(["primary", "business"], schedules.AsArray().Select(s => (string)s!["name"]!));
        Assert.Equal("weekly Mon 09:00-Fri 17:00", (string?)schedules[1]!["layers"]![0]!["restrictions"]![0]);
        var teams = await _vigil.Client.GetJsonAsync("/api/v1/teams");
        Assert.Equal(("payments", "manager", "checkout", "primary"), ((string?)teams[0]!["name"], (string?)teams[0]!["members"]![0]!["role"],
            (string?)teams[0]!["services"]![0], (string?)teams[0]!["schedules"]![0]));
        var users = await _vigil.Client.GetJsonAsync("/api/v1/users");
        Assert.Equal(("alice", "email", "alice@example.com", "payments"), ((string?)users[0]!["name"], (string?)users[0]!["contacts"]![0]!["type"],
            (string?)users[0]!["contacts"]![0]!["value"], (string?)users[0]!["teams"]![0]));
    }

    [Fact]
    public async Task Overrides_need_a_team_manager_apply_on_top_and_are_audited()
    {
        var alice = await ClientForAsync("alice");
        var bob = await ClientForAsync("bob");
        var body = new { schedule = "primary", start = "2025-01-14T00:00:00Z", end = "2025-01-15T00:00:00Z", user = "dave" };

        var (forbidden, problem) = await SendAsync(bob, HttpMethod.Post, "/api/v1/overrides", body);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
        Assert.Contains("manager of team \"payments\"", (string?)problem!["detail"]);

        var (created, ov) = await SendAsync(alice, HttpMethod.Post, "/api/v1/overrides", body);
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(["bob", "dave", "bob"], await FinalUsersAsync("2025-01-13T00:00:00Z", "2025-01-20T00:00:00Z"));

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(alice, HttpMethod.Delete, $"/api/v1/overrides/{ov!["id"]}")).Status);
        Assert.Equal(["bob"], await FinalUsersAsync("2025-01-13T00:00:00Z", "2025-01-20T00:00:00Z"));
        var audit = await _vigil.Client.GetJsonAsync("/api/v1/audit");
        Assert.Equal(["override.delete", "override.create"], audit.AsArray().Select(a => (string)a!["action"]!).Where(a => a.StartsWith("override.", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_cli_adds_lists_and_deletes_overrides()
    {
        var added = await VigilCli.RunOkAsync(_vigil, "overrides", "add", "--schedule", "primary", "--user", "dave",
            "--from", "2025-01-14T00:00:00Z", "--to", "2025-01-15T00:00:00Z");
        var id = System.Text.RegularExpressions.Regex.Match(added, @"Override (ov_\w+) on primary: dave on call").Groups[1].Value;
        Assert.NotEmpty(id);
        Assert.Equal(["bob", "dave", "bob"], await FinalUsersAsync("2025-01-13T00:00:00Z", "2025-01-20T00:00:00Z"));
        var listed = await VigilCli.RunOkAsync(_vigil, "overrides", "list", "--schedule", "primary", "--from", "2025-01-13T00:00:00Z");
        Assert.Contains(id, listed, StringComparison.Ordinal);
        Assert.Contains("dave", listed, StringComparison.Ordinal);

        Assert.Contains($"Override {id} deleted.", await VigilCli.RunOkAsync(_vigil, "overrides", "delete", id), StringComparison.Ordinal);
        Assert.Equal(["bob"], await FinalUsersAsync("2025-01-13T00:00:00Z", "2025-01-20T00:00:00Z"));
        Assert.DoesNotContain(id, await VigilCli.RunOkAsync(_vigil, "overrides", "list", "--from", "2025-01-13T00:00:00Z"), StringComparison.Ordinal);
        var unknown = await VigilCli.RunAsync(_vigil, "overrides", "add", "--schedule", "primary", "--user", "zed", "--from", "2025-01-14T00:00:00Z", "--to", "2025-01-15T00:00:00Z");
        Assert.Equal(1, unknown.Code);
        Assert.Contains("\"zed\" is not defined", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Swap_request_accept_take_manager_and_cancel_change_the_final_schedule()
    {
        var bob = await ClientForAsync("bob");
        var carol = await ClientForAsync("carol");
        var alice = await ClientForAsync("alice");

        var (status, swap) = await SendAsync(bob, HttpMethod.Post, "/api/v1/swaps", new { schedule = "primary", start = "2025-01-15T00:00:00Z", end = "2025-01-16T00:00:00Z" });
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(("requested", "bob"), ((string?)swap!["status"], (string?)swap["from"]));
        Assert.Equal(["bob"], await FinalUsersAsync("2025-01-13T00:00:00Z", "2025-01-20T00:00:00Z"));

        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(bob, HttpMethod.Post, $"/api/v1/swaps/{swap["id"]}/accept")).Status);
        var (accepted, acceptedBody) = await SendAsync(carol, HttpMethod.Post, $"/api/v1/swaps/{swap["id"]}/accept");
        Assert.Equal(HttpStatusCode.OK, accepted);
        Assert.Equal("carol", (string?)acceptedBody!["to"]);
        Assert.Equal(["bob", "carol", "bob"], await FinalUsersAsync("2025-01-13T00:00:00Z", "2025-01-20T00:00:00Z"));
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(carol, HttpMethod.Post, $"/api/v1/swaps/{swap["id"]}/accept")).Status);

        // "Take this shift": alice takes bob's Saturday without giving anything back.
        var (taken, _) = await SendAsync(alice, HttpMethod.Post, "/api/v1/swaps/take", new { schedule = "primary", start = "2025-01-18T00:00:00Z", end = "2025-01-19T00:00:00Z", from = "bob" });
        Assert.Equal(HttpStatusCode.Created, taken);
        // Manager swap: alice (manager) moves bob's Monday to dave at once.
        var (managed, _) = await SendAsync(alice, HttpMethod.Post, "/api/v1/swaps/manager", new { schedule = "primary", start = "2025-01-13T00:00:00Z", end = "2025-01-14T00:00:00Z", from = "bob", to = "dave" });
        Assert.Equal(HttpStatusCode.Created, managed);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(bob, HttpMethod.Post, "/api/v1/swaps/manager", new { schedule = "primary", start = "2025-01-13T00:00:00Z", end = "2025-01-14T00:00:00Z", from = "bob", to = "dave" })).Status);
        Assert.Equal(["dave", "bob", "carol", "bob", "alice", "bob"], await FinalUsersAsync("2025-01-13T00:00:00Z", "2025-01-20T00:00:00Z"));

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(bob, HttpMethod.Post, $"/api/v1/swaps/{swap["id"]}/cancel")).Status);
        Assert.Equal(["dave", "bob", "alice", "bob"], await FinalUsersAsync("2025-01-13T00:00:00Z", "2025-01-20T00:00:00Z"));

        // Carol has no shift this week: nothing to hand over.
        var (noShift, problem) = await SendAsync(carol, HttpMethod.Post, "/api/v1/swaps", new { schedule = "primary", start = "2025-01-14T00:00:00Z", end = "2025-01-15T00:00:00Z" });
        Assert.Equal(HttpStatusCode.BadRequest, noShift);
        Assert.Contains("carol has no shift", (string?)problem!["detail"]);

        var audit = await _vigil.Client.GetJsonAsync("/api/v1/audit");
        Assert.Equal(["swap.cancel", "swap.manager", "swap.take", "swap.accept", "swap.request"],
            audit.AsArray().Select(a => (string)a!["action"]!).Where(a => a.StartsWith("swap.", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("/api/v1/schedules/nope/final", HttpStatusCode.NotFound, "No schedule \"nope\"")]
    [InlineData("/api/v1/oncall?schedule=nope", HttpStatusCode.NotFound, "No schedule")]
    [InlineData("/api/v1/schedules/primary/final?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z", HttpStatusCode.BadRequest, "start must be before the end")]
    [InlineData("/api/v1/schedules/primary/final?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", HttpStatusCode.BadRequest, "longer than 92 days")]
    [InlineData("/api/v1/oncall?at=yesterday", HttpStatusCode.BadRequest, "not an RFC 3339 time")]
    [InlineData("/api/v1/oncall?at=9999-12-31T23:59:59Z", HttpStatusCode.BadRequest, "outside the years 1900-8999")]
    [InlineData("/api/v1/oncall?schedule=primary&from=0001-01-01T00:00:00Z&to=0001-01-02T00:00:00Z", HttpStatusCode.BadRequest, "outside the years")]
    [InlineData("/api/v1/schedules/primary/final?from=9999-12-31T00:00:00Z", HttpStatusCode.BadRequest, "from 9999-12-31")]
    [InlineData("/api/v1/overrides?schedule=primary&from=2025-01-01T00:00:00Z&to=9999-12-31T00:00:00Z", HttpStatusCode.BadRequest, "end 9999-12-31")]
    [InlineData("/api/v1/swaps?schedule=primary&to=0001-01-01T00:00:00Z", HttpStatusCode.BadRequest, "outside the years")]
    [InlineData("/api/v1/oncall?at=2025-01-01T00:00:00Z&from=2025-01-01T00:00:00Z", HttpStatusCode.BadRequest, "not both")]
    [InlineData("/api/v1/swaps?status=maybe", HttpStatusCode.BadRequest, "status \"maybe\" is unknown")]
    public async Task Bad_queries_get_a_4xx_with_a_message(string path, HttpStatusCode expected, string message)
    {
        var (status, body) = await SendAsync(_vigil.Client, HttpMethod.Get, path);
        Assert.Equal(expected, status);
        Assert.Contains(message, (string?)body!["detail"]);
    }

    [Fact]
    public async Task Bad_writes_get_a_400_and_an_unbound_token_is_told_to_bind_a_user()
    {
        var (status, body) = await SendAsync(_vigil.Client, HttpMethod.Post, "/api/v1/overrides", new { schedule = "primary", start = "2025-01-14T00:00:00Z", end = "2025-01-15T00:00:00Z", user = "zed" });
        Assert.Equal((HttpStatusCode.BadRequest, true), (status, ((string?)body!["detail"])!.Contains("user \"zed\" is not defined")));
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(_vigil.Client, HttpMethod.Post, "/api/v1/overrides", new { schedule = "primary" })).Status);
        var (farOff, far) = await SendAsync(_vigil.Client, HttpMethod.Post, "/api/v1/overrides", new { schedule = "primary", start = "9999-12-30T00:00:00Z", end = "9999-12-31T00:00:00Z", user = "bob" });
        Assert.Equal((HttpStatusCode.BadRequest, true), (farOff, ((string?)far!["detail"])!.Contains("outside the years 1900-8999")));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(_vigil.Client, HttpMethod.Post, "/api/v1/overrides", new { schedule = "nope", start = "2025-01-14T00:00:00Z", end = "2025-01-15T00:00:00Z", user = "bob" })).Status);
        var (unbound, problem) = await SendAsync(_vigil.Client, HttpMethod.Post, "/api/v1/swaps", new { schedule = "primary", start = "2025-01-14T00:00:00Z", end = "2025-01-15T00:00:00Z" });
        Assert.Equal(HttpStatusCode.BadRequest, unbound);
        Assert.Contains("not bound to a user", (string?)problem!["detail"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(_vigil.Client, HttpMethod.Post, "/api/v1/tokens", new { name = "x", role = "viewer", user = "zed" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(_vigil.Client, HttpMethod.Post, "/api/v1/swaps/sw_nope/accept")).Status);
    }

    [Fact]
    public async Task ICalendar_feed_has_one_folded_VEVENT_per_final_entry()
    {
        using var response = await _vigil.Client.GetAsync("/api/v1/schedules/primary/ical");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/calendar", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("BEGIN:VCALENDAR\r\n", text, StringComparison.Ordinal);
        var final = await _vigil.Client.GetJsonAsync($"/api/v1/schedules/primary/final?from=2025-01-06T10:00:00Z&to=2025-03-14T10:00:00Z");
        Assert.Equal(final["entries"]!.AsArray().Count, text.Split("BEGIN:VEVENT").Length - 1);
        Assert.Contains("SUMMARY:On call: Bob Marley", text, StringComparison.Ordinal);
        Assert.Contains("DTSTART:20250113T000000Z", text, StringComparison.Ordinal);
        Assert.All(text.Split("\r\n"), line => Assert.True(System.Text.Encoding.UTF8.GetByteCount(line) <= 75, line));
    }

    [Fact]
    public async Task Config_reload_applies_to_schedules()
    {
        var file = Path.Combine(_vigil.Database.DataDirectory, "test-config.yml");
        await File.WriteAllTextAsync(file, Config.Replace("users: [alice, bob, carol]", "users: [carol, alice, bob]", StringComparison.Ordinal));
        using (var reload = await _vigil.Client.PostAsync("/-/reload", null))
        {
            Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        }
        Assert.Equal("alice", (string?)(await _vigil.Client.GetJsonAsync("/api/v1/oncall?schedule=primary"))["onCall"]![0]!["user"]);

        await File.WriteAllTextAsync(file, Config.Replace("users: [alice, bob, carol]", "users: [alice, ghost]", StringComparison.Ordinal));
        using (var bad = await _vigil.Client.PostAsync("/-/reload", null))
        {
            Assert.Contains("unknown user", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal("alice", (string?)(await _vigil.Client.GetJsonAsync("/api/v1/oncall?schedule=primary"))["onCall"]![0]!["user"]);
    }
}

public sealed class OnCallApiOnSqlite() : OnCallApiTests(Backend.Sqlite);

public sealed class OnCallApiOnPostgres() : OnCallApiTests(Backend.Postgres);
