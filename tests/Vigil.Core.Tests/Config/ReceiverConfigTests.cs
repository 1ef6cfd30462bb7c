using Vigil.Core.Config;

namespace Vigil.Core.Tests.Config;

/// <summary>Receiver integrations in Alertmanager's shape, Vigil's notifications/integrations sections, and redaction.</summary>
public sealed class ReceiverConfigTests
{
    private const string Yaml = """
        global:
          smtp_smarthost: mail.example.com:587
          smtp_from: vigil@example.com
          smtp_auth_password: smtp-pw-123
        route:
          receiver: ops
        receivers:
          - name: ops
            webhook_configs:
              - url: https://hooks.example.com/T0KEN
                max_alerts: 5
                http_config:
                  authorization:
                    credentials: bearer-xyz
            slack_configs:
              - api_url: https://hooks.slack.com/services/A/B/C
                title: '{{ .CommonLabels.alertname }}'
            email_configs:
              - to: a@example.com, b@example.com
            dingtalk_configs:
              - webhook_url: https://oapi.dingtalk.com/robot/send?access_token=abc
                secret: SECdingtalk
            pagerduty_configs:
              - routing_key: not-sent-by-vigil
        notifications:
          external_url: https://vigil.example.com/
          max_attempts: 3
          rate_limit:
            per_minute: 6
            burst: 2
        integrations:
          - name: am
            service: checkout
            routing_key: 0123456789abcdef0123456789abcdef
        incidents:
          silence_on_acknowledge: true
        """;

    [Fact]
    public void Integrations_parse_with_alertmanager_defaults()
    {
        var config = ConfigLoader.Parse(Yaml, "vigil.yml");
        var channels = config.Receivers.Single().Channels;
        Assert.Equal(["webhook/0", "slack/0", "email/0", "dingtalk/0"], channels.Select(c => c.Id));
        var webhook = channels[0];
        Assert.True(webhook.SendResolved);
        Assert.Equal(5, webhook.MaxAlerts);
        Assert.Equal(new HeaderAuth("Bearer", SecretSource.Inline("bearer-xyz")), webhook.Auth);
        Assert.False(channels[1].SendResolved);
        var email = channels[2].Email!;
        Assert.Equal(["a@example.com", "b@example.com"], email.To);
        Assert.Equal(("mail.example.com", 587, "vigil@example.com", SecretSource.Inline("smtp-pw-123"), true), (email.SmartHost, email.Port, email.From, email.AuthPassword, email.RequireTls));
        Assert.Equal("SECdingtalk", channels[3].Secret);
        Assert.Equal("https://vigil.example.com", config.Notifications.ExternalUrl);
        Assert.Equal((3, 6, 2), (config.Notifications.MaxAttempts, config.Notifications.PerMinute, config.Notifications.Burst));
        Assert.Equal(TimeSpan.FromDays(30), config.Notifications.Retention);
        Assert.Equal("checkout", config.Integrations.Single().Service);
        Assert.True(config.SilenceOnAcknowledge);
    }

    [Theory]
    [InlineData("retention: 0", 0.0)]
    [InlineData("retention: 90d", 90 * 24.0)]
    [InlineData("retention: 1h", 1.0)]
    public void Notification_retention_is_0_or_at_least_an_hour(string yaml, double hours)
    {
        var config = ConfigLoader.Parse($"route:\n  receiver: r\nreceivers:\n  - name: r\nnotifications:\n  {yaml}\n", "vigil.yml");
        Assert.Equal(TimeSpan.FromHours(hours), config.Notifications.Retention);

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("route:\n  receiver: r\nreceivers:\n  - name: r\nnotifications:\n  retention: 10m\n", "bad.yml"));
        Assert.Contains("bad.yml:6", ex.Message, StringComparison.Ordinal);
        Assert.Contains("notifications.retention must be 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Max_attempts_is_optional_and_0_means_no_limit()
    {
        // max_age is the limit by default; a max_attempts from an older config still loads and still applies.
        static NotificationsConfig Parse(string yaml) =>
            ConfigLoader.Parse($"route:\n  receiver: r\nreceivers:\n  - name: r\nnotifications:\n  {yaml}\n", "vigil.yml").Notifications;
        Assert.Equal((0, TimeSpan.FromHours(24)), (Parse("external_url: http://v").MaxAttempts, Parse("external_url: http://v").MaxAge));
        Assert.Equal(0, Parse("max_attempts: 0").MaxAttempts);
        Assert.Equal(10, Parse("max_attempts: 10").MaxAttempts);
        var ex = Assert.Throws<ConfigException>(() => Parse("max_attempts: -1"));
        Assert.Contains("vigil.yml:6", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"max_attempts\" must be 0 (no limit: max_age decides) or a positive integer", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("webhook_configs: [{send_resolved: true}]", "needs \"url\"")]
    [InlineData("webhook_configs: [{url: ftp://x/y}]", "absolute http or https URL")]
    [InlineData("webhook_configs: [{url: http://x/, max_alerts: -1}]", "max_alerts")]
    [InlineData("email_configs: [{from: a@b.c, smarthost: 'h:25'}]", "needs \"to\"")]
    [InlineData("email_configs: [{to: a@b.c, from: a@b.c, smarthost: nohost}]", "host:port")]
    [InlineData("webhook_configs: [{url: http://x/, colour: red}]", "colour")]
    public void Bad_integrations_are_config_errors(string receiverYaml, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse($"route:\n  receiver: r\nreceivers:\n  - name: r\n    {receiverYaml}\n", "bad.yml"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("to: 'oncall@example.com, not-an-address'\n        from: vigil@example.com", "bad.yml:6", "invalid e-mail address \"not-an-address\"")]
    [InlineData("to: oncall@example.com\n        from: vigil at example.com", "bad.yml:7", "\"from\" is not a valid e-mail address")]
    public void Malformed_email_addresses_are_config_errors_with_their_line(string fields, string line, string expected)
    {
        // MimeKit refuses them when sending: found at load, the operator fixes the line instead of losing pages.
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(
            $"route:\n  receiver: r\nreceivers:\n  - name: r\n    email_configs:\n      - {fields}\n        smarthost: mail.example.com:25\n", "bad.yml"));
        Assert.Contains(line, ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Single(ex.Errors);

        var global = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(
            "global:\n  smtp_from: vigil@\nroute:\n  receiver: r\nreceivers:\n  - name: r\n", "bad.yml"));
        Assert.Contains("bad.yml:2", global.Message, StringComparison.Ordinal);
        Assert.Contains("\"smtp_from\" is not a valid e-mail address", global.Message, StringComparison.Ordinal);

        // Display names are addresses too (Alertmanager takes them).
        var config = ConfigLoader.Parse("route:\n  receiver: r\nreceivers:\n  - name: r\n    email_configs:\n"
            + "      - {to: 'On call <oncall@example.com>', from: 'Vigil <vigil@example.com>', smarthost: 'h:25'}\n", "ok.yml");
        Assert.Equal("Vigil <vigil@example.com>", config.Receivers[0].Channels[0].Email!.From);
    }

    [Fact]
    public void A_short_routing_key_is_refused()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(
            "route:\n  receiver: r\nreceivers:\n  - name: r\nintegrations:\n  - {name: a, service: s, routing_key: short}\n", "bad.yml"));
        Assert.Contains("at least 32 characters", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Redaction_masks_every_secret_and_keeps_the_rest()
    {
        var redacted = ConfigRedactor.Redact(Yaml);
        foreach (var secret in new[] { "T0KEN", "bearer-xyz", "hooks.slack.com", "smtp-pw-123", "SECdingtalk", "access_token=abc", "0123456789abcdef0123456789abcdef", "not-sent-by-vigil" })
        {
            Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
        }
        Assert.Contains("max_alerts: 5", redacted, StringComparison.Ordinal);
        Assert.Contains("external_url: https://vigil.example.com/", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_integration_key_is_an_error_and_other_alertmanager_integrations_load()
    {
        // "webhook_config" (no s) loaded as an unknown integration: the receiver had no channel and sent nothing.
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(
            "route:\n  receiver: r\nreceivers:\n  - name: r\n    webhook_config:\n      - url: http://hooks.test/a\n", "bad.yml"));
        Assert.Contains("bad.yml:5:5: unknown key \"webhook_config\" in a receiver", ex.Message, StringComparison.Ordinal);

        var config = ConfigLoader.Parse("route:\n  receiver: r\nreceivers:\n  - name: r\n    pagerduty_configs:\n      - routing_key: abc\n", "ok.yml");
        Assert.Equal(["pagerduty_configs"], config.Receivers[0].Integrations);
    }
}
