using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Slo;

/// <summary>
/// Over HTTP into real storage: several objectives per SLO (budget, burn and alerts each), alert policies acting
/// instead of the Workbook rules, the error-budget policy (freeze, notification, audit, durable across a restart,
/// lifted once the budget recovers), the burn-down series, and a Prometheus SLO refusing native events.
/// </summary>
public abstract class SloPolicyTests(Backend backend) : IAsyncLifetime
{
    private const string SloYaml = """
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
          timeWindow:
            - duration: 30d
              isRolling: true
          objectives:
            - displayName: relaxed
              target: 0.9
            - displayName: strict
              target: 0.99
        ---
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: search-errors
        spec:
          service: search
          indicator:
            metadata:
              name: search-requests
            spec:
              ratioMetric:
                good: {metricSource: {type: Vigil}}
                total: {metricSource: {type: Vigil}}
          objectives:
            - target: 0.9
          alertPolicies:
            - alertPolicyRef: search-fast
        ---
        apiVersion: openslo/v1
        kind: AlertPolicy
        metadata:
          name: search-fast
        spec:
          alertWhenBreaching: true
          conditions:
            - kind: AlertCondition
              metadata:
                name: twice-the-budget
              spec:
                severity: page
                condition:
                  kind: burnrate
                  op: gt
                  threshold: 2
                  lookbackWindow: 5m
                  alertAfter: 0m
          notificationTargets:
            - targetRef: search-pager
        ---
        apiVersion: openslo/v1
        kind: AlertNotificationTarget
        metadata:
          name: search-pager
        spec:
          target: pagerduty
        ---
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: api-from-prometheus
        spec:
          service: api
          indicator:
            metadata:
              name: api-errors
            spec:
              ratioMetric:
                bad: {metricSource: {type: Prometheus, spec: {query: 'http_requests_total{code="500"}'}}}
                total: {metricSource: {type: Prometheus, spec: {query: http_requests_total}}}
          objectives:
            - target: 0.999
        """;

    private readonly string _sloFile = Path.Combine(Directory.CreateTempSubdirectory("vigil-slo-policy-").FullName, "slos.yaml");
    private readonly int _closedPort = ExternalProcess.FreePort();
    private RunningVigil _vigil = null!;

    private string Config => $"""
        route:
          receiver: default
          group_by: [alertname, slo, objective]
          group_wait: 0s
          group_interval: 1s
        receivers:
          - name: default
        slos:
          files: ['{_sloFile}']
          evaluation_interval: 1s
          prometheus_url: http://127.0.0.1:{_closedPort}
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

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(RunningVigil vigil, string slo, string counts)
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-2).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        using var content = new StringContent($$"""{"events":[{"slo":"{{slo}}",{{counts}},"timestamp":"{{at}}"}]}""", Encoding.UTF8, "application/json");
        using var response = await vigil.Client.PostAsync("/api/v1/sli-events", content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static async Task AcceptedAsync(RunningVigil vigil, string slo, string counts)
    {
        var (status, body) = await PostAsync(vigil, slo, counts);
        Assert.True(status == HttpStatusCode.OK, $"POST /api/v1/sli-events → {(int)status}: {body}");
    }

    private static async Task<JsonArray> AlertsAsync(RunningVigil vigil, params string[] filters) =>
        (await vigil.Client.GetJsonAsync("/api/v2/alerts?" + string.Join('&', filters.Select(f => "filter=" + Uri.EscapeDataString(f))))).AsArray();

    [Fact]
    public async Task Each_objective_burns_its_own_budget_and_an_exhausted_one_freezes_the_service_until_it_recovers()
    {
        await AcceptedAsync(_vigil, "checkout-availability", "\"good\":95,\"total\":100");

        var slo = await _vigil.Client.GetJsonAsync("/api/v1/slos/checkout-availability");
        var objectives = slo["objectives"]!.AsArray();
        Assert.Equal(["relaxed", "strict"], objectives.Select(o => o!["name"]!.GetValue<string>()));
        // 5 bad of 100: "relaxed" (90%) allows 10 and has half left; "strict" (99%) allows 1: overspent.
        Assert.Equal((10, 5, 50), (Math.Round(objectives[0]!["errorBudget"]!["total"]!.GetValue<double>(), 6), objectives[0]!["errorBudget"]!["consumed"]!.GetValue<double>(),
            Math.Round(objectives[0]!["errorBudget"]!["remainingPercent"]!.GetValue<double>(), 6)));
        Assert.True(objectives[1]!["errorBudget"]!["exhausted"]!.GetValue<bool>());
        Assert.Equal(0.5, objectives[0]!["burnRates"]!.AsArray().First(r => r!["window"]!.GetValue<string>() == "1h")!["burnRate"]!.GetValue<double>(), 6);
        Assert.Equal(5, objectives[1]!["burnRates"]!.AsArray().First(r => r!["window"]!.GetValue<string>() == "1h")!["burnRate"]!.GetValue<double>(), 6);
        Assert.Equal(0.9, slo["objective"]!.GetValue<double>()); // the top level mirrors the first objective
        Assert.Equal("ticket", objectives[1]!["firing"]!.GetValue<string>()); // 5x over 1d and 2h: over the 3x rule only
        Assert.Null(objectives[0]!["firing"]);

        JsonNode? burn = null;
        await Eventually.TrueAsync(async () => (burn = (await AlertsAsync(_vigil, "alertname=SloBurnRate")).FirstOrDefault(a => a!["labels"]!["slo"]!.GetValue<string>() == "checkout-availability")) is not null,
            TimeSpan.FromSeconds(30), "the strict objective's SloBurnRate alert");
        Assert.Equal(("strict", "warning", "1d"), (burn!["labels"]!["objective"]!.GetValue<string>(), burn["labels"]!["severity"]!.GetValue<string>(),
            burn["labels"]!["window"]!.GetValue<string>()));

        await Eventually.TrueAsync(async () => (await _vigil.Client.GetJsonAsync("/api/v1/services/checkout/freeze"))["frozen"]!.GetValue<bool>(),
            TimeSpan.FromSeconds(30), "the checkout freeze");
        var freeze = await _vigil.Client.GetJsonAsync("/api/v1/services/checkout/freeze");
        var reason = Assert.Single(freeze["reasons"]!.AsArray())!;
        Assert.Equal(("checkout-availability", 1, "strict"), (reason["slo"]!.GetValue<string>(), reason["objective"]!.GetValue<int>(), reason["objectiveName"]!.GetValue<string>()));
        Assert.Equal(10, reason["unfreezeAbovePercent"]!.GetValue<double>());
        var since = freeze["since"]!.GetValue<string>();
        Assert.Equal(["checkout-availability"], freeze["slos"]!.AsArray().Select(s => s!.GetValue<string>()));
        var exhausted = Assert.Single(await AlertsAsync(_vigil, "alertname=ErrorBudgetExhausted"))!;
        Assert.Equal(("strict", "checkout", "warning"), (exhausted["labels"]!["objective"]!.GetValue<string>(), exhausted["labels"]!["service"]!.GetValue<string>(),
            exhausted["labels"]!["severity"]!.GetValue<string>()));
        Assert.Contains("change-frozen", exhausted["annotations"]!["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        var list = (await _vigil.Client.GetJsonAsync("/api/v1/freezes"))["services"]!.AsArray();
        Assert.Equal(("checkout", true), (list[0]!["service"]!.GetValue<string>(), list[0]!["frozen"]!.GetValue<bool>()));
        Assert.Contains(list, s => s!["service"]!.GetValue<string>() == "search" && !s["frozen"]!.GetValue<bool>());
        Assert.True((await _vigil.Client.GetJsonAsync("/api/v1/slos/checkout-availability"))["frozen"]!.GetValue<bool>());
        using (var unknown = await _vigil.Client.GetAsync("/api/v1/services/nope/freeze"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        // The freeze is durable: a restart keeps it, with its start.
        await _vigil.StopAsync();
        await using var restarted = await RunningVigil.StartAsync(_vigil.Database, ownsDatabase: false, Config);
        var kept = await restarted.Client.GetJsonAsync("/api/v1/services/checkout/freeze");
        Assert.True(kept["frozen"]!.GetValue<bool>());
        Assert.Equal(since, kept["since"]!.GetValue<string>());

        // Good traffic brings the strict budget back above 10% (1 bad allowed per 100 events: 5 of 101 spent).
        await AcceptedAsync(restarted, "checkout-availability", "\"bad\":0,\"total\":10000");
        await Eventually.TrueAsync(async () => !(await restarted.Client.GetJsonAsync("/api/v1/services/checkout/freeze"))["frozen"]!.GetValue<bool>(),
            TimeSpan.FromSeconds(30), "the freeze to lift");
        await Eventually.TrueAsync(async () => (await AlertsAsync(restarted, "alertname=ErrorBudgetExhausted")).Count == 0,
            TimeSpan.FromSeconds(30), "the ErrorBudgetExhausted alert to resolve");
        var audit = (await restarted.Client.GetJsonAsync("/api/v1/audit?limit=20")).AsArray();
        var frozeEntry = audit.First(a => a!["action"]!.GetValue<string>() == "slo.freeze")!;
        Assert.Equal(("vigil", "service/checkout"), (frozeEntry["actor"]!.GetValue<string>(), frozeEntry["target"]!.GetValue<string>()));
        Assert.Contains("strict", frozeEntry["details"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(audit, a => a!["action"]!.GetValue<string>() == "slo.unfreeze"
            && a["details"]!.GetValue<string>().Contains("budget recovered", StringComparison.Ordinal));

        // The burn-down of the strict objective: 5 bad events spent, in events, over the 30-day window.
        var burnDown = await restarted.Client.GetJsonAsync("/api/v1/slos/checkout-availability/burndown?objective=1&points=50");
        Assert.Equal(("events", 1), (burnDown["unit"]!.GetValue<string>(), burnDown["objective"]!.GetValue<int>()));
        var points = burnDown["points"]!.AsArray();
        Assert.InRange(points.Count, 2, 52);
        Assert.Equal(5, points[^1]!["consumed"]!.GetValue<double>(), 6);
        Assert.Equal(0, points[0]!["consumed"]!.GetValue<double>());
        Assert.Equal(101, burnDown["total"]!.GetValue<double>(), 6);
        using (var bad = await restarted.Client.GetAsync("/api/v1/slos/checkout-availability/burndown?objective=2"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
    }

    [Fact]
    public async Task An_alert_policy_replaces_the_workbook_rules_and_labels_its_alert()
    {
        await AcceptedAsync(_vigil, "search-errors", "\"good\":50,\"total\":100");

        var slo = await _vigil.Client.GetJsonAsync("/api/v1/slos/search-errors");
        Assert.Empty(slo["alertRules"]!.AsArray());
        var condition = Assert.Single(slo["objectives"]![0]!["conditions"]!.AsArray())!;
        Assert.Equal(("search-fast", "twice-the-budget", "breaching"), (condition["policy"]!.GetValue<string>(), condition["condition"]!.GetValue<string>(),
            condition["alert"]!.GetValue<string>()));
        Assert.Equal(5, condition["burnRate"]!.GetValue<double>(), 6); // 50% errors against 10% allowed
        Assert.Equal("page", slo["firing"]!.GetValue<string>());

        JsonNode? alert = null;
        await Eventually.TrueAsync(async () => (alert = (await AlertsAsync(_vigil, "alertname=SloBurnRate", "slo=search-errors")).FirstOrDefault()) is not null,
            TimeSpan.FromSeconds(30), "the policy's alert");
        var labels = alert!["labels"]!;
        Assert.Equal(("SloBurnRate", "critical", "5m", "search-fast", "search-pager"),
            (labels["alertname"]!.GetValue<string>(), labels["severity"]!.GetValue<string>(), labels["window"]!.GetValue<string>(),
                labels["alert_policy"]!.GetValue<string>(), labels["notification_targets"]!.GetValue<string>()));
        Assert.Null(labels["objective"]); // a single objective needs no label
        Assert.Single(await AlertsAsync(_vigil, "alertname=SloBurnRate", "slo=search-errors")); // no Workbook alert next to it
    }

    [Fact]
    public async Task A_prometheus_slo_takes_no_events_and_reports_an_unreachable_prometheus()
    {
        var (status, body) = await PostAsync(_vigil, "api-from-prometheus", "\"good\":1,\"total\":1");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("reads its SLI from Prometheus", body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await Eventually.TrueAsync(async () => (await _vigil.Client.GetJsonAsync("/api/v1/slos/api-from-prometheus"))["source"]!["state"]!.GetValue<string>() == "error",
            TimeSpan.FromSeconds(30), "the Prometheus SLO's error status");
        var source = (await _vigil.Client.GetJsonAsync("/api/v1/slos/api-from-prometheus"))["source"]!;
        Assert.Contains("cannot reach Prometheus", source["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(source["lastSuccess"]);
        Assert.Empty(await AlertsAsync(_vigil, "slo=api-from-prometheus"));
    }
}

public sealed class SloPolicyOnSqlite() : SloPolicyTests(Backend.Sqlite);

public sealed class SloPolicyOnPostgres() : SloPolicyTests(Backend.Postgres);
