using Vigil.Core.Config;

namespace Vigil.Core.Tests.Config;

/// <summary>
/// Credentials given as files, basic auth and global.http_config are used; what Vigil cannot honour (OAuth 2, TLS
/// settings, proxies, URL files) is a config error with its line instead of being ignored — ignored, the config loaded
/// cleanly and every notification went out without credentials.
/// </summary>
public sealed class HttpCredentialsConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-creds-").FullName;

    public HttpCredentialsConfigTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "secrets"));
        foreach (var name in new[] { "token", "password", "smtp" })
        {
            File.WriteAllText(Path.Combine(_dir, "secrets", name), name + "-from-file\n");
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string ConfigFile => Path.Combine(_dir, "vigil.yml");

    private VigilConfig Parse(string yaml) => ConfigLoader.Parse(yaml, ConfigFile);

    private string Secret(string name) => Path.Combine(_dir, "secrets", name);

    [Fact]
    public void Credential_files_and_basic_auth_are_read_relative_to_the_config_file()
    {
        var config = Parse("""
            global:
              smtp_smarthost: mail.example.com:587
              smtp_from: vigil@example.com
              smtp_auth_username: vigil
              smtp_auth_password_file: secrets/smtp
              http_config: {authorization: {credentials_file: secrets/token}}
            route: {receiver: r}
            receivers:
              - name: r
                webhook_configs:
                  - url: https://a.example/hook
                    http_config: {authorization: {type: Token, credentials_file: secrets/token}}
                  - url: https://b.example/hook
                    http_config: {bearer_token_file: secrets/token}
                  - url: https://c.example/hook
                    http_config: {basic_auth: {username: vigil, password_file: secrets/password}}
                  - url: https://d.example/hook
                    http_config: {basic_auth: {username: vigil, password: inline-pw}}
                  - url: https://e.example/hook         # no http_config: global.http_config's
                slack_configs:
                  - api_url: https://hooks.slack.com/services/A/B/C
                    http_config: {follow_redirects: true}   # its own http_config, without credentials
                email_configs:
                  - to: a@example.com
                  - to: b@example.com
                    auth_password_file: secrets/password
            """);

        var channels = config.Receivers.Single().Channels;
        Assert.Equal(new HeaderAuth("Token", SecretSource.FromFile(Secret("token"))), channels[0].Auth);
        Assert.Equal(new HeaderAuth("Bearer", SecretSource.FromFile(Secret("token"))), channels[1].Auth);
        Assert.Equal(new BasicAuth("vigil", SecretSource.FromFile(Secret("password"))), channels[2].Auth);
        Assert.Equal(new BasicAuth("vigil", SecretSource.Inline("inline-pw")), channels[3].Auth);
        Assert.Equal(new HeaderAuth("Bearer", SecretSource.FromFile(Secret("token"))), channels[4].Auth);
        Assert.Null(channels[5].Auth);
        Assert.Equal("smtp-from-file", channels[6].Email!.AuthPassword!.Read()); // trimmed, read when used
        Assert.Equal("password-from-file", channels[7].Email!.AuthPassword!.Read());

        // Read at each use: a rotated file is picked up without a reload.
        File.WriteAllText(Secret("token"), "rotated\n");
        Assert.Equal("rotated", ((HeaderAuth)channels[0].Auth!).Credentials.Read());
    }

    [Theory]
    [InlineData("webhook_configs: [{url: 'https://x/', http_config: {oauth2: {client_id: a, client_secret: b, token_url: 'https://t/'}}}]", "\"oauth2\"")]
    [InlineData("webhook_configs: [{url: 'https://x/', http_config: {tls_config: {insecure_skip_verify: true}}}]", "\"tls_config\"")]
    [InlineData("webhook_configs: [{url: 'https://x/', http_config: {proxy_url: 'http://proxy:3128'}}]", "\"proxy_url\"")]
    [InlineData("webhook_configs: [{url: 'https://x/', http_config: {basic_auth: {username_file: u, password: p}}}]", "\"username_file\"")]
    [InlineData("email_configs: [{to: a@b.c, from: a@b.c, smarthost: 'h:25', tls_config: {insecure_skip_verify: true}}]", "\"tls_config\"")]
    [InlineData("email_configs: [{to: a@b.c, from: a@b.c, smarthost: 'h:25', auth_secret: s}]", "\"auth_secret\"")]
    public void What_vigil_cannot_honour_is_an_error_with_its_line(string receiverYaml, string key)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse($"route:\n  receiver: r\nreceivers:\n  - name: r\n    {receiverYaml}\n", "bad.yml"));
        Assert.Contains("bad.yml:5", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"{key} in", ex.Message, StringComparison.Ordinal);
        Assert.Contains("is not supported by Vigil", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("global:\n  smtp_tls_config: {insecure_skip_verify: true}\n", "bad.yml:2", "\"smtp_tls_config\" in \"global\" is not supported")]
    [InlineData("global:\n  http_config: {proxy_url: 'http://proxy:3128'}\n", "bad.yml:2", "\"proxy_url\" in global http_config is not supported")]
    [InlineData("receivers:\n  - name: r\n    webhook_configs: [{url_file: /run/secrets/url}]\n", "bad.yml:5", "write the URL itself")]
    [InlineData("receivers:\n  - name: r\n    webhook_configs:\n      - url: 'https://x/'\n        http_config: {bearer_token_file: missing}\n", "bad.yml:7", "\"bearer_token_file\": cannot read secret file")]
    [InlineData("receivers:\n  - name: r\n    webhook_configs:\n      - url: 'https://x/'\n        http_config: {bearer_token: a, basic_auth: {username: u}}\n", "bad.yml:7", "not basic_auth and bearer_token")]
    [InlineData("receivers:\n  - name: r\n    webhook_configs:\n      - url: 'https://x/'\n        http_config: {authorization: {type: Basic, credentials: x}}\n", "bad.yml:7", "use basic_auth for Basic")]
    public void Bad_credentials_are_errors_with_their_line(string yaml, string line, string expected)
    {
        var text = yaml.StartsWith("receivers", StringComparison.Ordinal) ? "route:\n  receiver: r\n" + yaml : yaml + "route:\n  receiver: r\nreceivers:\n  - name: r\n";
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(text, Path.Combine(_dir, "bad.yml")));
        Assert.Contains(line, ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
