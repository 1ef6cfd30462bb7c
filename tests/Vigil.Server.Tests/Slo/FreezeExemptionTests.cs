using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Slo;

/// <summary>
/// Over HTTP into real storage: an exemption lets a frozen service's changes through (the freeze answer says so, the
/// budget and its alert stay), only admins and managers of the owning team may grant or revoke one, bad requests get
/// a 400 naming the field, and it is durable across a restart and audited.
/// </summary>
public abstract class FreezeExemptionTests(Backend backend) : IAsyncLifetime
{
    /// <summary>The smallest pushed SLO: checkout's availability at 99 % (the endpoint sweep uses it too).</summary>
    internal const string SloYaml = """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: checkout-availability
        spec:
          service: checkout
          indicator:
            metadata:
              name: checkout-requests
            spec:
              ratioMetric:
                good: {metricSource: {type: Vigil}}
                total: {metricSource: {type: Vigil}}
          objectives:
            - target: 0.99
        """;

    private readonly string _sloFile = Path.Combine(Directory.CreateTempSubdirectory("vigil-exemption-").FullName, "slos.yaml");
    private RunningVigil _vigil = null!;

    private string Config => $$"""
        route:
          receiver: default
          group_wait: 0s
        receivers:
          - name: default
        users:
          - {name: alice, full_name: Alice Liddell}
          - {name: bob, full_name: Bob Marley}
        teams:
          - name: payments
            members: [{user: alice, role: manager}, bob]
        services:
          - {name: checkout, team: payments}
        slos:
          files: ['{{_sloFile}}']
          evaluation_interval: 1s
        """;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_sloFile, SloYaml);
        _vigil = await RunningVigil.StartAsync(backend, Config);
    }

    public async Task DisposeAsync()
    {
        await _vigil.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(_sloFile)!, recursive: true);
    }

    private async Task<HttpClient> ClientForAsync(string user)
    {
        using var response = await _vigil.Client.PostAsync("/api/v1/tokens", Http.Json(new { name = user + "-token", role = "responder", user }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return _vigil.NewClient((string)(await response.ReadJsonAsync())["token"]!);
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient client, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : Http.Json(json) };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>What the problem says: its detail and each error.</summary>
    private static string Text(JsonNode problem) =>
        string.Join('\n', [(string?)problem["detail"], .. problem["errors"]?.AsArray().Select(e => (string?)e) ?? []]);

    private const string Exemptions = "/api/v1/services/checkout/freeze/exemptions";

    /// <summary>Spends checkout's budget (5 bad of 100 against 1 allowed) and waits for its freeze.</summary>
    private async Task FreezeCheckoutAsync()
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-2).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(_vigil.Client, HttpMethod.Post, "/api/v1/sli-events",
            $$"""{"events":[{"slo":"checkout-availability","good":95,"total":100,"timestamp":"{{at}}"}]}""")).Status);
        await Eventually.TrueAsync(async () => (await _vigil.Client.GetJsonAsync("/api/v1/services/checkout/freeze"))["frozen"]!.GetValue<bool>(),
            TimeSpan.FromSeconds(30), "the checkout freeze");
    }

    [Fact]
    public async Task An_exemption_lets_a_frozen_service_through_until_it_is_revoked()
    {
        await FreezeCheckoutAsync();
        Assert.Null((await _vigil.Client.GetJsonAsync("/api/v1/services/checkout/freeze"))["exemption"]);
        var (alice, bob) = (await ClientForAsync("alice"), await ClientForAsync("bob"));

        // A member who is not a manager of the owning team may not; a manager may.
        var (status, problem) = await SendAsync(bob, HttpMethod.Post, Exemptions, """{"reason":"ship the fix","for":"2h"}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("manager of team \"payments\"", (string?)problem!["detail"], StringComparison.Ordinal);
        var before = DateTimeOffset.UtcNow;
        (status, var created) = await SendAsync(alice, HttpMethod.Post, Exemptions, """{"reason":"  roll out the fix of INC-42  ","for":"2h"}""");
        Assert.Equal(HttpStatusCode.Created, status);
        var id = (string)created!["id"]!;
        Assert.Equal(("checkout", "roll out the fix of INC-42", "alice"), ((string?)created["service"], (string?)created["reason"], (string?)created["createdBy"]));
        Assert.InRange(DateTimeOffset.Parse((string)created["end"]!, CultureInfo.InvariantCulture), before.AddHours(2).AddSeconds(-1), DateTimeOffset.UtcNow.AddHours(2)); // times are written to the millisecond

        // Changes may go through; the exhausted budget is still shown, and its alert still fires.
        var freeze = await _vigil.Client.GetJsonAsync("/api/v1/services/checkout/freeze");
        Assert.False(freeze["frozen"]!.GetValue<bool>());
        Assert.Equal(id, (string?)freeze["exemption"]!["id"]);
        Assert.Single(freeze["reasons"]!.AsArray());
        var listed = (await _vigil.Client.GetJsonAsync("/api/v1/freezes"))["services"]!.AsArray().Single(s => (string?)s!["service"] == "checkout")!;
        Assert.Equal((false, id), (listed["frozen"]!.GetValue<bool>(), (string?)listed["exemption"]!["id"]));
        Assert.Equal(id, (string?)Assert.Single((await _vigil.Client.GetJsonAsync(Exemptions)).AsArray())!["id"]);
        await Eventually.TrueAsync(async () => (await _vigil.Client.GetJsonAsync("/api/v2/alerts?filter=alertname%3DErrorBudgetExhausted")).AsArray().Count == 1,
            TimeSpan.FromSeconds(30), "the ErrorBudgetExhausted alert");

        // Durable: a restart keeps it.
        await _vigil.StopAsync();
        await using var restarted = await RunningVigil.StartAsync(_vigil.Database, ownsDatabase: false, Config);
        Assert.False((await restarted.Client.GetJsonAsync("/api/v1/services/checkout/freeze"))["frozen"]!.GetValue<bool>());

        // Revoke: only a manager or admin, an unknown id is a 404, a second revoke changes nothing.
        var (aliceAgain, bobAgain) = (restarted.NewClient(alice.DefaultRequestHeaders.Authorization!.Parameter),
            restarted.NewClient(bob.DefaultRequestHeaders.Authorization!.Parameter));
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(bobAgain, HttpMethod.Delete, $"{Exemptions}/{id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(aliceAgain, HttpMethod.Delete, $"{Exemptions}/fx_nope")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(aliceAgain, HttpMethod.Delete, $"/api/v1/services/search/freeze/exemptions/{id}")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(aliceAgain, HttpMethod.Delete, $"{Exemptions}/{id}")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(aliceAgain, HttpMethod.Delete, $"{Exemptions}/{id}")).Status);
        var after = await restarted.Client.GetJsonAsync("/api/v1/services/checkout/freeze");
        Assert.True(after["frozen"]!.GetValue<bool>());
        Assert.Null(after["exemption"]);
        Assert.Empty((await restarted.Client.GetJsonAsync(Exemptions)).AsArray());

        var audit = (await restarted.Client.GetJsonAsync("/api/v1/audit?limit=50")).AsArray();
        Assert.Single(audit, a => (string?)a!["action"] == "slo.freeze_exempt_revoke" && (string?)a["target"] == $"service/checkout/exemption/{id}");
        var granted = Assert.Single(audit, a => (string?)a!["action"] == "slo.freeze_exempt")!;
        Assert.Contains("roll out the fix of INC-42", (string?)granted["details"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_gates_a_deploy_on_the_freeze_and_grants_and_revokes_an_exemption()
    {
        await FreezeCheckoutAsync();
        var (code, output, _) = await VigilCli.RunAsync(_vigil, "freeze", "check", "checkout");
        Assert.Equal(4, code); // the deploy gate: changes must wait
        Assert.Contains("checkout: FROZEN since", output, StringComparison.Ordinal);
        Assert.Matches(@"— checkout-availability \(.+\) budget exhausted", output);

        var granted = await VigilCli.RunOkAsync(_vigil, "freeze", "exempt", "checkout", "--reason", "ship the fix", "--for", "30m");
        var id = System.Text.RegularExpressions.Regex.Match(granted, @"Exemption (fx_\w+): checkout's changes may go through its freeze until").Groups[1].Value;
        Assert.NotEmpty(id);
        (code, output, _) = await VigilCli.RunAsync(_vigil, "freeze", "check", "checkout");
        Assert.Equal(0, code);
        Assert.Contains("exempt until", output, StringComparison.Ordinal);
        Assert.Contains("exempted by test-admin: ship the fix", output, StringComparison.Ordinal);
        Assert.Contains("exempt until", await VigilCli.RunOkAsync(_vigil, "freeze", "list"), StringComparison.Ordinal);

        Assert.Contains($"Exemption {id} revoked.", await VigilCli.RunOkAsync(_vigil, "freeze", "revoke", "checkout", id), StringComparison.Ordinal);
        Assert.Equal(4, (await VigilCli.RunAsync(_vigil, "freeze", "check", "checkout")).Code);

        // Usage errors and the server's refusals keep their own exit codes.
        var usage = await VigilCli.RunAsync(_vigil, "freeze", "exempt", "checkout", "--reason", "x");
        Assert.Equal(2, usage.Code);
        Assert.Contains("give one of --for or --until", usage.Error, StringComparison.Ordinal);
        var unknown = await VigilCli.RunAsync(_vigil, "freeze", "check", "chekout");
        Assert.Equal(1, unknown.Code);
        Assert.Contains("No SLO names service", unknown.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"for":"2h"}""", "reason is required")]
    [InlineData("""{"reason":"   ","for":"2h"}""", "reason is required")]
    [InlineData("""{"reason":"fix"}""", "give one of \"for\"")]
    [InlineData("""{"reason":"fix","for":"2h","until":"2030-01-01T00:00:00Z"}""", "give one of \"for\"")]
    [InlineData("""{"reason":"fix","for":"soon"}""", "is not a duration")]
    [InlineData("""{"reason":"fix","for":"8d"}""", "from 1m to 7d")]
    [InlineData("""{"reason":"fix","for":"9000y"}""", "from 1m to 7d")]
    [InlineData("""{"reason":"fix","for":"30s"}""", "from 1m to 7d")]
    [InlineData("""{"reason":"fix","until":"2020-01-01T00:00:00Z"}""", "until is in the past")]
    [InlineData("""{"reason":"fix","until":"tomorrow"}""", "not an RFC 3339 time")]
    [InlineData("""{"reason":"fix","for":2}""", "for")]
    [InlineData("""[]""", "must be")]
    public async Task A_bad_request_gets_a_400_naming_what_is_wrong(string body, string expected)
    {
        var (status, problem) = await SendAsync(_vigil.Client, HttpMethod.Post, Exemptions, body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, Text(problem!), StringComparison.Ordinal);
        Assert.Empty((await _vigil.Client.GetJsonAsync(Exemptions)).AsArray());
    }

    [Fact]
    public async Task A_service_no_slo_names_is_a_404_and_a_long_reason_a_400()
    {
        var (status, problem) = await SendAsync(_vigil.Client, HttpMethod.Post, "/api/v1/services/chekout/freeze/exemptions", """{"reason":"fix","for":"1h"}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("No SLO names service \"chekout\"", (string?)problem!["detail"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(_vigil.Client, HttpMethod.Get, "/api/v1/services/chekout/freeze/exemptions")).Status);
        (status, problem) = await SendAsync(_vigil.Client, HttpMethod.Post, Exemptions, $$"""{"reason":"{{new string('x', 1001)}}","for":"1h"}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at most 1000", Text(problem!), StringComparison.Ordinal);
    }
}

public sealed class FreezeExemptionOnSqlite() : FreezeExemptionTests(Backend.Sqlite);

public sealed class FreezeExemptionOnPostgres() : FreezeExemptionTests(Backend.Postgres);
