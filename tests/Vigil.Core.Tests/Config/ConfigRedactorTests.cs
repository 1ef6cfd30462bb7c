using Vigil.Core.Config;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Tests.Config;

/// <summary>
/// What <c>GET /api/v2/status</c> shows viewers: every value Alertmanager types <c>Secret</c> or <c>SecretURL</c>,
/// and every URL's user-info, masked; paths of <c>*_file</c> keys and everything else kept.
/// </summary>
public sealed class ConfigRedactorTests
{
    // Keys Vigil accepts (it loads any Alertmanager integration) that a fixed list of names used to miss.
    private const string Yaml = """
        global:
          resolve_timeout: 7m
          slack_app_token: xoxb-app-token-1
          rocketchat_token_id: rc-token-id-2
          rocketchat_token_id_file: /etc/vigil/rocketchat_id
          opsgenie_api_url: https://og-user:og-pass-3@api.opsgenie.com/
        route:
          receiver: ops
          group_by: [alertname, cluster]
          group_wait: 31s
        receivers:
          # OAuth 2, proxies and TLS settings are errors in the integrations Vigil sends through (and in
          # global.http_config, their default), so they are shown here in ones it does not.
          - name: ops
            discord_configs:
              - webhook_url: https://hooks.example.com/hook-path-7
                http_config:
                  oauth2:
                    client_id: hook-client
                    client_secret: oauth-secret-8
                    client_secret_file: /etc/vigil/oauth_secret
                  proxy_url: http://proxy-user:proxy-pass-9@proxy.example.com:3128
          - name: chat
            opsgenie_configs:
              - http_config:
                  proxy_url: http://proxy-user:proxy-pass-4@proxy.example.com:3128
                  oauth2:
                    client_id: vigil-client
                    client_secret: oauth-secret-5
                    token_url: https://auth.example.com/token
                  tls_config:
                    key: inline-private-key-6
                    key_file: /etc/vigil/tls.key
            telegram_configs:
              - bot_token: 123456:telegram-bot-token-10
                chat_id: -1001234
            pushover_configs:
              - user_key: pushover-user-key-11
                token: pushover-app-token-12
            sns_configs:
              - topic_arn: arn:aws:sns:eu-west-1:123456789012:alerts
                sigv4:
                  region: eu-west-1
                  access_key: AKIAACCESSKEY13
                  secret_key: aws-secret-key-14
            victorops_configs:
              - api_key: victorops-key-15
                routing_key: victorops-route-16
            webex_configs:
              - room_id: room-1
                http_config:
                  authorization:
                    type: Bearer
                    credentials: webex-bearer-17
                  http_headers:
                    X-Api-Key:
                      values: [header-key-18]
                    X-Trace:
                      values: [trace-on]
                      secrets: [header-secret-19]
                  proxy_connect_header:
                    Proxy-Authorization: [Basic proxy-header-20]
        """;

    private static readonly string[] Secrets =
    [
        "xoxb-app-token-1", "rc-token-id-2", "og-user", "og-pass-3", "proxy-user", "proxy-pass-4", "oauth-secret-5",
        "inline-private-key-6", "hook-path-7", "oauth-secret-8", "proxy-pass-9", "telegram-bot-token-10", "pushover-user-key-11",
        "pushover-app-token-12", "AKIAACCESSKEY13", "aws-secret-key-14", "victorops-key-15", "victorops-route-16", "webex-bearer-17",
        "header-key-18", "header-secret-19", "proxy-header-20",
    ];

    [Fact]
    public void Every_secret_is_masked_by_its_key_name_and_urls_lose_their_user_info()
    {
        ConfigLoader.Parse(Yaml, "vigil.yml"); // every key here is one Vigil accepts, so a viewer can be shown it
        var redacted = ConfigRedactor.Redact(Yaml);

        Assert.All(Secrets, secret => Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal));
        // The harmless rest survives: names, grouping, durations, paths of secret files, hosts of URLs.
        foreach (var kept in new[]
        {
            "resolve_timeout: 7m", "group_by: [alertname, cluster]", "group_wait: 31s", "- name: ops", "- name: chat",
            "client_id: vigil-client", "chat_id: -1001234", "region: eu-west-1", "room_id: room-1", "type: Bearer",
            "values: [trace-on]", "key_file: /etc/vigil/tls.key", "client_secret_file: /etc/vigil/oauth_secret",
            "rocketchat_token_id_file: /etc/vigil/rocketchat_id", "token_url: https://auth.example.com/token",
            "proxy_url: http://<secret>@proxy.example.com:3128", "opsgenie_api_url: https://<secret>@api.opsgenie.com/",
            "topic_arn: arn:aws:sns:eu-west-1:123456789012:alerts",
        })
        {
            Assert.Contains(kept, redacted, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("routing_key", true)]
    [InlineData("service_key", true)]
    [InlineData("X-Api-Key", true)]
    [InlineData("token_id", true)]
    [InlineData("auth_passwd", true)]
    [InlineData("credentials", true)]
    [InlineData("slack_api_url", true)]
    [InlineData("credentials_file", false)]
    [InlineData("bot_token_file", false)]
    [InlineData("group_by", false)]
    [InlineData("token_url", false)]
    [InlineData("send_resolved", false)]
    [InlineData("max_alerts", false)]
    public void Secret_keys_are_recognised_by_name(string key, bool secret) =>
        Assert.Equal(secret, !ConfigRedactor.Redact($"global:\n  {key}: value-1\n").Contains("value-1", StringComparison.Ordinal));

    [Fact]
    public void A_quoted_url_whose_at_sign_is_escaped_is_masked_whole()
    {
        var redacted = ConfigRedactor.Redact("global:\n  jira_api_url: \"https://jira-user:jira-pass\\x40jira.example.com/\"\n");
        Assert.DoesNotContain("jira-user", redacted, StringComparison.Ordinal);
        Assert.Contains("jira_api_url: <secret>", redacted, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_reached_twice_through_an_alias_is_masked_once()
    {
        var redacted = ConfigRedactor.Redact("global:\n  rocketchat_token: &t shared-token-1\n  telegram_bot_token: *t\n");
        Assert.DoesNotContain("shared-token-1", redacted, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(">-")]
    [InlineData(">")]
    [InlineData("|")]
    [InlineData("|-")]
    [InlineData("|+")]
    [InlineData(">+")]
    [InlineData("|2-")]
    public void A_secret_block_scalar_is_masked_up_to_its_last_character(string header)
    {
        // The mask ran to the scalar's end, past its line break and the next key's indentation:
        // "- url: <secret>    email_configs:", no longer YAML.
        var yaml = $"receivers:\n  - name: ops\n    webhook_configs:\n      - url: {header}\n          https://hooks.example.com/\n"
            + "          block-secret-1\n\n      - send_resolved: true\n    email_configs:\n      - to: ops@example.com\n  - name: other\n";

        var redacted = ConfigRedactor.Redact(yaml);

        Assert.DoesNotContain("block-secret-1", redacted, StringComparison.Ordinal);
        Assert.Equal(KeyPaths(yaml), KeyPaths(redacted));
        Assert.Equal("<secret>", Scalar(redacted, "receivers", 0, "webhook_configs", 0, "url"));
        Assert.Equal("ops@example.com", Scalar(redacted, "receivers", 0, "email_configs", 0, "to"));
    }

    [Theory]
    [InlineData("\"https://hooks.example.com/\n          quoted-secret-1\"")]
    [InlineData("'https://hooks.example.com/\n          quoted-secret-1'")]
    [InlineData("https://hooks.example.com/\n          quoted-secret-1")]
    public void A_secret_multi_line_flow_scalar_is_masked_whole(string value)
    {
        var yaml = $"receivers:\n  - name: ops\n    webhook_configs:\n      - url: {value}\n    email_configs:\n      - to: ops@example.com\n";

        var redacted = ConfigRedactor.Redact(yaml);

        Assert.DoesNotContain("quoted-secret-1", redacted, StringComparison.Ordinal);
        Assert.Equal(KeyPaths(yaml), KeyPaths(redacted));
        Assert.Equal("<secret>", Scalar(redacted, "receivers", 0, "webhook_configs", 0, "url"));
    }

    [Fact]
    public void A_block_scalar_before_a_comment_or_at_the_end_keeps_what_follows()
    {
        var yaml = "global:\n  slack_api_url: |\n    https://hooks.slack.com/end-secret-1\n# the chat hook\n  smtp_from: a@example.com\n"
            + "  rocketchat_token: >-\n    last-secret-2";

        var redacted = ConfigRedactor.Redact(yaml);

        Assert.DoesNotContain("end-secret-1", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain("last-secret-2", redacted, StringComparison.Ordinal);
        Assert.Contains("# the chat hook", redacted, StringComparison.Ordinal);
        Assert.Equal(KeyPaths(yaml), KeyPaths(redacted));
        Assert.Equal("a@example.com", Scalar(redacted, "global", "smtp_from"));
    }

    [Fact]
    public void User_info_in_a_block_scalar_is_masked_without_breaking_the_yaml()
    {
        var yaml = "global:\n  http_config:\n    proxy_url: >-\n      http://proxy-user:proxy-pass-1@proxy.example.com:3128\n  smtp_from: a@example.com\n";

        var redacted = ConfigRedactor.Redact(yaml);

        Assert.DoesNotContain("proxy-pass-1", redacted, StringComparison.Ordinal);
        Assert.Equal(KeyPaths(yaml), KeyPaths(redacted));
        Assert.Equal("http://<secret>@proxy.example.com:3128", Scalar(redacted, "global", "http_config", "proxy_url"));
    }

    /// <summary>Every mapping key's path (receivers[0].webhook_configs[0].url), in document order.</summary>
    private static List<string> KeyPaths(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var paths = new List<string>();
        Walk(stream.Documents[0].RootNode, "", paths);
        return paths;
    }

    private static void Walk(YamlNode node, string path, List<string> paths)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    var child = $"{path}.{((YamlScalarNode)key).Value}";
                    paths.Add(child);
                    Walk(value, child, paths);
                }
                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Walk(sequence.Children[i], $"{path}[{i}]", paths);
                }
                break;
        }
    }

    private static string? Scalar(string yaml, params object[] path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var node = stream.Documents[0].RootNode;
        foreach (var step in path)
        {
            node = step is int i ? ((YamlSequenceNode)node).Children[i] : ((YamlMappingNode)node).Children[new YamlScalarNode((string)step)];
        }
        return ((YamlScalarNode)node).Value;
    }
}
