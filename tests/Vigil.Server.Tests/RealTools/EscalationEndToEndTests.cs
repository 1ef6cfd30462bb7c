using System.Globalization;
using System.Text.Json.Nodes;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.RealTools;

/// <summary>
/// The whole paging path with real parts: a real Prometheus fires an alert for service checkout; Vigil makes it an
/// incident, the checkout team's escalation policy e-mails whoever is on call (alice) through a real SMTP server;
/// nobody acknowledges, so after level 1's delay the team lead's webhook gets the Alertmanager v4 payload; then an
/// acknowledgement stops the escalation. Real time: level 1's delay is the 1-minute minimum.
/// </summary>
public sealed class EscalationEndToEndTests : IAsyncLifetime
{
    private SmtpListener _smtp = null!;
    private WebhookReceiver _webhook = null!;
    private RunningVigil _vigil = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _smtp = SmtpListener.Start();
        _webhook = await WebhookReceiver.StartAsync();
        _vigil = await RunningVigil.StartAsync(Backend.Sqlite, $$"""
            global:
              smtp_smarthost: 127.0.0.1:{{_smtp.Port}}
              smtp_from: vigil@example.com
              smtp_require_tls: false
            route:
              receiver: ops
              group_by: [alertname, service]
              group_wait: 1s
              group_interval: 2s
            receivers:
              - name: ops
            users:
              - name: alice
                contacts: [{email: alice@example.com}, {chat: "@alice"}]
              - name: lead
                contacts: [{webhook: "{{_webhook.Address}}lead"}]
            teams:
              - name: shop
                members: [alice, {user: lead, role: manager}]
            services:
              - {name: checkout, team: shop, escalation_policy: shop}
            schedules:
              - name: shop-primary
                team: shop
                time_zone: UTC
                layers:
                  - {name: around-the-clock, users: [alice], rotation: 1d, start: "2025-01-06 00:00"}
            escalation_policies:
              - name: shop
                repeat: 1
                levels:
                  - delay: 1m
                    targets: [{schedule: shop-primary}]
                  - delay: 1m
                    targets: [{user: lead}]
            """);
        _dir = Directory.CreateTempSubdirectory("vigil-escalation-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _vigil.DisposeAsync();
        await _webhook.DisposeAsync();
        await _smtp.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Prometheus_alert_emails_the_on_call_user_then_pages_level_two_until_acknowledged()
    {
        var stopAt = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();
        await File.WriteAllTextAsync(Path.Combine(_dir, "rules.yml"), $$"""
            groups:
              - name: checkout
                interval: 1s
                rules:
                  - alert: CheckoutErrors
                    expr: vector(1) and on() (vector(time()) < {{stopAt.ToString(CultureInfo.InvariantCulture)}})
                    labels: {severity: critical, service: checkout}
                    annotations: {summary: checkout is failing}
            """);
        await File.WriteAllTextAsync(Path.Combine(_dir, "prometheus.yml"), $$"""
            global:
              evaluation_interval: 1s
            rule_files: [rules.yml]
            alerting:
              alertmanagers:
                - api_version: v2
                  authorization: {credentials: {{_vigil.AdminToken}}}
                  static_configs: [{targets: ['{{_vigil.Address.Authority}}']}]
            """);
        using var prometheus = ExternalProcess.StartBackground(ExternalProcess.Tool("VIGIL_TEST_PROMETHEUS", "/usr/bin/prometheus"),
        [
            "--config.file=" + Path.Combine(_dir, "prometheus.yml"),
            "--storage.tsdb.path=" + Path.Combine(_dir, "data"),
            "--web.listen-address=127.0.0.1:" + ExternalProcess.FreePort(),
            "--rules.alert.resend-delay=1s",
        ]);

        // Level 1: the schedule says alice; her e-mail address gets the page, her chat handle is noted as not sendable.
        await Eventually.TrueAsync(() => Task.FromResult(!_smtp.Messages.IsEmpty), TimeSpan.FromSeconds(60), "the page e-mailed to alice");
        var mail = Assert.Single(_smtp.Messages);
        Assert.Equal("alice@example.com", mail.To.Mailboxes.Single().Address);
        Assert.Contains("CheckoutErrors", mail.Subject, StringComparison.Ordinal);
        var incident = (await _vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray().Single()!;
        var id = incident["id"]!.GetValue<long>();
        Assert.Empty(_webhook.Requests);

        // Nobody acknowledges: after level 1's minute the lead's webhook gets the Alertmanager v4 payload.
        await Eventually.TrueAsync(() => Task.FromResult(!_webhook.Requests.IsEmpty), TimeSpan.FromSeconds(100), "the lead paged by webhook");
        var request = Assert.Single(_webhook.Requests);
        Assert.Equal("/lead", request.Path);
        WebhookV4.AssertValid(request.Body);
        Assert.Equal("firing", request.Body["status"]!.GetValue<string>());
        Assert.Equal("checkout", request.Body["commonLabels"]!["service"]!.GetValue<string>());

        var timeline = await TimelineAsync(id);
        Assert.Contains(timeline, m => m.StartsWith("Paged alice (Level 1, on call on shop-primary) via email; skipped chat", StringComparison.Ordinal));
        Assert.Contains(timeline, m => m.StartsWith("Paged lead (Level 2, directly) via webhook", StringComparison.Ordinal));
        await Eventually.TrueAsync(async () => (await TimelineAsync(id)).Any(m => m.StartsWith("Notified lead via webhook", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "the webhook delivery in the timeline");

        // The acknowledgement stops it: no repeat of level 1 is scheduled any more.
        await _vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/acknowledge", new { comment = "on it" });
        var escalation = await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}/escalation");
        Assert.Equal("acknowledged", escalation["status"]!.GetValue<string>());
        Assert.Null(escalation["nextDueAt"]);
        Assert.Single(_smtp.Messages);
    }

    private async Task<List<string>> TimelineAsync(long id) =>
        (await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))["timeline"]!.AsArray().Select(e => e!["message"]!.GetValue<string>()).ToList();
}
